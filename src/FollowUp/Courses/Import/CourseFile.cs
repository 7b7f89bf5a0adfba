using System.Globalization;
using System.Text;
using CsvHelper;

namespace FollowUp.Courses.Import;

/// <summary>How to read a clinic's export; everything has a default that suits a plain ISO UTF-8 file.</summary>
public sealed record ImportSettings
{
    /// <summary>Header → field entries that win over the built-in synonyms (from a column map file).</summary>
    public IReadOnlyDictionary<ImportField, string>? ColumnMap { get; init; }
    /// <summary>The clinic's culture for dates written its way (e.g. en-GB reads 05/11/2026 as 5 November).</summary>
    public CultureInfo? Culture { get; init; }
    /// <summary>An exact date pattern such as dd.MM.yyyy; ISO yyyy-MM-dd is always accepted too.</summary>
    public string? DateFormat { get; init; }
    /// <summary>The patients' time zone when the file has no time zone column.</summary>
    public string? TimeZone { get; init; }
    /// <summary>Force a separator instead of detecting it.</summary>
    public char? Delimiter { get; init; }
    /// <summary>Force an encoding instead of detecting UTF-8 / Windows-1252.</summary>
    public Encoding? Encoding { get; init; }
}

/// <summary>One record of the file as text, with the line of the file it starts on.</summary>
internal sealed record CourseFileRow(int Line, IReadOnlyList<string> Values);

/// <summary>A clinic's export read into header-mapped rows: encoding and separator detected, nothing validated yet.</summary>
internal sealed record CourseFile(string EncodingName, char Delimiter, IReadOnlyList<string> Headers,
    IReadOnlyDictionary<ImportField, int> Columns, IReadOnlyList<string> Problems, IReadOnlyList<CourseFileRow> Rows)
{
    static CourseFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static CourseFile Read(byte[] bytes, ImportSettings settings)
    {
        var (text, encodingName) = Decode(bytes, settings.Encoding);
        // Decode names the damaged lines in place of an encoding when the text cannot be read as one.
        if (text is null) return new CourseFile("utf-8 (damaged)", ',', [], new Dictionary<ImportField, int>(), [encodingName], []);
        var options = CsvReaderOptions.Default with
        {
            // Null: CsvHelper detects , ; tab or | from the first lines (Excel writes ; where , is the decimal mark).
            Separator = settings.Delimiter,
            TrackLineNumbers = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
        };
        using var csv = CsvReader.FromText(text, options);
        csv.ReadHeader();
        var delimiter = csv.Separator;
        var headers = csv.Headers.ToList();
        if (headers.Count == 0) return new CourseFile(encodingName, delimiter, [], new Dictionary<ImportField, int>(), ["the file is empty: it has no header row"], []);
        var (columns, problems) = ImportColumns.Map(headers, settings.ColumnMap);
        var missing = ImportColumns.Required
            .Where(f => !columns.ContainsKey(f)).Select(ImportColumns.Name).ToList();
        // A first line with no separator and no column FollowUp knows is not a course export (a password file, a
        // letter): say so without showing it. A real export with other column names gets its headers back, shortened,
        // so the admin can write the column map.
        if (missing.Count > 0 && headers.Count == 1 && columns.Count == 0)
            problems.Add("the first line has no comma, semicolon or tab between column names and names none of FollowUp's columns: this is not a CSV export of courses (its content is not shown)");
        else if (missing.Count > 0)
            problems.Add($"no column for {string.Join(", ", missing)} among the headers {string.Join(", ", headers.Take(20).Select(h => $"'{Shortened(h)}'"))}{(headers.Count > 20 ? ", ..." : "")}; name them in a column map file (--column-map)");
        if (!columns.ContainsKey(ImportField.TimeZone) && string.IsNullOrWhiteSpace(settings.TimeZone))
            problems.Add("no time_zone column: give the patients' time zone with --time-zone (e.g. Europe/London)");

        var rows = new List<CourseFileRow>();
        while (csv.Read())
        {
            var values = new string[csv.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = csv.GetString(i) ?? "";
            // The line the record starts on, counting quoted line breaks, blank lines and the header, as an editor shows it.
            rows.Add(new CourseFileRow(checked((int)csv.LineNumber), values));
        }
        return new CourseFile(encodingName, delimiter, headers, columns, problems, rows);
    }

    /// <summary>
    /// A byte-order mark decides; otherwise text that is valid UTF-8 is UTF-8, and text with no UTF-8 sequence at all
    /// but bytes above 127 is Windows-1252, the encoding of Excel's "CSV" on Western European Windows. A file with
    /// UTF-8 sequences and also bytes that are not UTF-8 is a damaged UTF-8 file: read as 1252 every accented name
    /// would be garbled, so no text comes back and the second value names the lines to fix.
    /// </summary>
    internal static (string? Text, string EncodingName) Decode(byte[] bytes, Encoding? forced)
    {
        if (forced is not null) return (forced.GetString(bytes).TrimStart('\uFEFF'), forced.WebName);
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble))
        {
            var body = bytes.AsSpan(3);
            var invalid = Utf8Scan.InvalidLines(body, out _);
            return invalid.Count > 0 ? (null, Damaged(invalid)) : (Encoding.UTF8.GetString(body), "utf-8 (with BOM)");
        }
        if (bytes.AsSpan().StartsWith(Encoding.Unicode.Preamble)) return (Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2), "utf-16");
        var bad = Utf8Scan.InvalidLines(bytes, out var sequences);
        if (bad.Count == 0) return (Encoding.UTF8.GetString(bytes), "utf-8");
        if (sequences > 0) return (null, Damaged(bad));
        return (Encoding.GetEncoding(1252).GetString(bytes), "windows-1252");
    }

    private static string Shortened(string header) => header.Length <= 40 ? header : header[..40] + "...";

    private static string Damaged(List<int> lines) =>
        string.Create(CultureInfo.InvariantCulture,
            $"the file is UTF-8 but has bytes that are not UTF-8 on line {string.Join(", ", lines.Take(5))}{(lines.Count > 5 ? $" and {lines.Count - 5} more" : "")}: fix those characters in the export (or give --encoding if the file is in another encoding)");
}

/// <summary>Where bytes are not UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).</summary>
internal static class Utf8Scan
{
    /// <summary>The distinct lines (1-based) holding a byte that is not UTF-8; <paramref name="sequences"/>: the valid multi-byte characters.</summary>
    public static List<int> InvalidLines(ReadOnlySpan<byte> bytes, out int sequences)
    {
        var lines = new List<int>();
        sequences = 0;
        var line = 1;
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80)
            {
                if (b == (byte)'\n') line++;
                i++;
                continue;
            }
            var length = Length(bytes[i..]);
            if (length == 0)
            {
                if (lines.Count == 0 || lines[^1] != line) lines.Add(line);
                i++;
                continue;
            }
            sequences++;
            i += length;
        }
        return lines;
    }

    // The length of the valid UTF-8 sequence at the start, or 0 (RFC 3629 section 4 table).
    private static int Length(ReadOnlySpan<byte> s)
    {
        static bool Tail(ReadOnlySpan<byte> s, int at, byte low = 0x80, byte high = 0xBF) => s.Length > at && s[at] >= low && s[at] <= high;
        return s[0] switch
        {
            >= 0xC2 and <= 0xDF => Tail(s, 1) ? 2 : 0,
            0xE0 => Tail(s, 1, 0xA0) && Tail(s, 2) ? 3 : 0,
            0xED => Tail(s, 1, 0x80, 0x9F) && Tail(s, 2) ? 3 : 0,
            >= 0xE1 and <= 0xEF => Tail(s, 1) && Tail(s, 2) ? 3 : 0,
            0xF0 => Tail(s, 1, 0x90) && Tail(s, 2) && Tail(s, 3) ? 4 : 0,
            >= 0xF1 and <= 0xF3 => Tail(s, 1) && Tail(s, 2) && Tail(s, 3) ? 4 : 0,
            0xF4 => Tail(s, 1, 0x80, 0x8F) && Tail(s, 2) && Tail(s, 3) ? 4 : 0,
            _ => 0,
        };
    }
}
