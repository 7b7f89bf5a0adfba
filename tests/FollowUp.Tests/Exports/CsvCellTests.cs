using FollowUp.Exports;

namespace FollowUp.Tests.Exports;

public class CsvCellTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"click\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"")]
    [InlineData("+1 555 0100", "'+1 555 0100")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("Pain 5, mood low", "\"Pain 5, mood low\"")]
    [InlineData("fine", "fine")]
    public void A_cell_a_spreadsheet_would_run_is_defused_and_separators_are_quoted(string value, string written)
    {
        Assert.Equal(written, CsvExport.Cell(value));
    }
}
