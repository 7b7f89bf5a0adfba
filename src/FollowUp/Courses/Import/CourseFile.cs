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
        var missing = new[] { ImportField.PatientName, ImportField.PatientEmail, ImportField.Therapist, ImportField.StartedOn, ImportField.EndedOn, ImportField.PainAtStart }
            .Where(f => !columns.ContainsKey(f)).Select(ImportColumns.Name).ToList();
        if (missing.Count > 0)
            problems.Add($"no column for {string.Join(", ", missing)} among the headers {string.Join(", ", headers.Select(h => $"'{h}'"))}; name them in a column map file (--column-map)");
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
    /// A byte-order mark decides; otherwise text that is valid UTF-8 is UTF-8 and anything else is Windows-1252, the
    /// encoding of Excel's "CSV" on Western European Windows (a valid UTF-8 file by accident in 1252 is vanishingly rare).
    /// </summary>
    internal static (string Text, string EncodingName) Decode(byte[] bytes, Encoding? forced)
    {
        if (forced is not null) return (forced.GetString(bytes).TrimStart('\uFEFF'), forced.WebName);
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble)) return (Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3), "utf-8 (with BOM)");
        if (bytes.AsSpan().StartsWith(Encoding.Unicode.Preamble)) return (Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2), "utf-16");
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes), "utf-8");
        }
        catch (DecoderFallbackException)
        {
            return (Encoding.GetEncoding(1252).GetString(bytes), "windows-1252");
        }
    }
}
