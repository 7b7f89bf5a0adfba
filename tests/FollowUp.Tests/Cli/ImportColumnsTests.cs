using System.Text;
using FollowUp.Courses.Import;

namespace FollowUp.Tests.Cli;

public class ImportColumnsTests
{
    [Fact]
    public void Headers_are_matched_ignoring_case_spaces_and_punctuation()
    {
        var (columns, problems) = ImportColumns.Map(["E-Mail", "Client Name", "Date of last session", "first_session", "Treated by", "NRS before"], null);

        Assert.Empty(problems);
        Assert.Equal(0, columns[ImportField.PatientEmail]);
        Assert.Equal(1, columns[ImportField.PatientName]);
        Assert.Equal(2, columns[ImportField.EndedOn]);
        Assert.Equal(3, columns[ImportField.StartedOn]);
        Assert.Equal(4, columns[ImportField.Therapist]);
        Assert.Equal(5, columns[ImportField.PainAtStart]);
    }

    [Fact]
    public void The_column_map_wins_over_the_synonyms()
    {
        var (columns, problems) = ImportColumns.Map(["Email", "Contact"], new Dictionary<ImportField, string> { [ImportField.PatientEmail] = "Contact" });

        Assert.Empty(problems);
        Assert.Equal(1, columns[ImportField.PatientEmail]);
    }

    [Fact]
    public void Two_headers_for_one_field_are_a_problem_naming_both()
    {
        var (_, problems) = ImportColumns.Map(["Email", "E-mail address"], null);

        Assert.Equal("columns 'Email' and 'E-mail address' could both be patient_email; say which in a column map file", Assert.Single(problems));
    }

    [Fact]
    public void Text_that_is_not_valid_utf8_is_read_as_windows_1252()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(1252).GetBytes("Zoë Müller");

        var (text, encoding) = CourseFile.Decode(bytes, null);

        Assert.Equal(("Zoë Müller", "windows-1252"), (text, encoding));
        Assert.Equal(("Zoë", "utf-8 (with BOM)"), CourseFile.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("Zoë")], null));
    }
}
