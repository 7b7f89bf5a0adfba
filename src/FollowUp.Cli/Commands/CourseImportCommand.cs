using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FollowUp.Courses.Import;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>course import FILE</c>: enrol every course of a clinic's CSV export, with a row-level report.</summary>
internal static class CourseImportCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The clinic's CSV export (UTF-8 or Windows-1252; ',' or ';' separated; first line the headers)" };
        var columnMap = new Option<FileInfo?>("--column-map")
        {
            Description = "JSON file naming the column of each field when the built-in header names do not match, e.g. {\"patient_email\": \"Courriel\", \"ended_on\": \"Dernière séance\"}",
        };
        var culture = new Option<string?>("--culture") { Description = "Culture of the dates the clinic writes, e.g. en-GB (05/11/2026 is 5 November) or de-DE; ISO YYYY-MM-DD is always read" };
        var dateFormat = new Option<string?>("--date-format") { Description = "Exact date pattern of the file, e.g. dd.MM.yyyy or d/M/yyyy; ISO YYYY-MM-DD is always read" };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone of patients whose row has none (or of all, when the file has no time zone column)" };
        var encoding = new Option<string?>("--encoding") { Description = "Force the file's encoding (utf-8, windows-1252, …) instead of detecting it" };
        var separator = new Option<string?>("--separator") { Description = "Force the separator (',', ';' or 'tab') instead of detecting it" };
        var validRowsOnly = new Option<bool>("--valid-rows-only") { Description = "Enrol the valid rows and report the others (default: all or nothing, one transaction)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON for scripts" };
        var command = new Command("import", """
            Enrol every course in a clinic's CSV export. Each row is validated (email, time zone, dates in order, pain 0-10,
            known therapist, duplicates in the file); a row whose course is already stored is skipped, so importing the
            same file again adds nothing. Problems are listed by line and column; by default nothing is stored if any row
            is wrong. Therapists must be added first (followup-admin therapist add).
            Example: followup-admin course import courses.csv --culture en-GB --time-zone Europe/London
            """)
        {
            file, columnMap, culture, dateFormat, timeZone, encoding, separator, validRowsOnly, json, CliContext.Actor,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var path = parsed.GetValue(file)!;
            var settings = new ImportSettings
            {
                ColumnMap = parsed.GetValue(columnMap) is { } map ? ReadColumnMap(map) : null,
                Culture = parsed.GetValue(culture) is { } name ? Culture(name) : null,
                DateFormat = parsed.GetValue(dateFormat),
                TimeZone = parsed.GetValue(timeZone),
                Encoding = parsed.GetValue(encoding) is { } e ? Encoding(e) : null,
                Delimiter = parsed.GetValue(separator) is { } s ? Separator(s) : null,
            };
            var mode = parsed.GetValue(validRowsOnly) ? ImportMode.ValidRowsOnly : ImportMode.AllOrNothing;
            await using var services = CliContext.Services(parsed);
            byte[] bytes;
            try
            {
                bytes = await ImportFileLoader.ReadAsync(path.FullName, cancellationToken);
            }
            catch (ImportFileException refused)
            {
                throw new UserError($"{path.FullName}: {refused.Message}");
            }
            using var progress = new Progress();
            var report = await services.GetRequiredService<CourseImport>().ImportAsync(bytes, path.Name, settings, mode, CliContext.ActorOf(parsed),
                (message, _) =>
                {
                    progress.Show(message);
                    return Task.CompletedTask;
                }, cancellationToken);
            progress.Dispose();

            if (parsed.GetValue(json)) Console.WriteLine(CourseImport.ToJson(report));
            else Print(report, path.Name);
            if (report.FileProblems.Count > 0) throw new UserError($"{path.Name}: " + string.Join("; ", report.FileProblems));
            var wrongLines = report.RowProblems.Select(p => p.Line).Distinct().Count();
            if (!report.Stored && wrongLines > 0)
                throw new UserError($"nothing imported: {wrongLines} of {report.Rows} rows have problems; fix them, or add --valid-rows-only to enrol the other {report.Rows - wrongLines}");
            return 0;
        });
        return command;
    }

    private static void Print(ImportReport report, string name)
    {
        Console.WriteLine($"Read {Count(report.Rows, "row")} from {name} ({report.EncodingName}, '{(report.Delimiter == '\t' ? "tab" : report.Delimiter)}'-separated).");
        if (report.RowProblems.Count > 0)
        {
            var width = Math.Max(6, report.RowProblems.Max(p => p.Column.Length));
            Console.WriteLine($"{"LINE",6}  {"COLUMN".PadRight(width)}  PROBLEM");
            foreach (var p in report.RowProblems)
                Console.WriteLine(FormattableString.Invariant($"{p.Line,6}  {p.Column.PadRight(width)}  {p.Problem}"));
        }
        if (!report.Stored) return;
        var rejected = report.RowProblems.Select(p => p.Line).Distinct().Count();
        Console.WriteLine($"Enrolled {Count(report.Enrolled.Count, "course")}; {report.AlreadyEnrolled.Count} already enrolled (skipped); {Count(rejected, "row")} rejected.");
        foreach (var note in report.SharedAddresses.Concat(report.LanguageChanges)) Console.WriteLine($"Note: {note}.");
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static Dictionary<ImportField, string> ReadColumnMap(FileInfo file)
    {
        if (!file.Exists) throw new UserError($"--column-map: {file.FullName}: no such file");
        Dictionary<string, string>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file.FullName));
        }
        catch (JsonException e)
        {
            throw new UserError($"--column-map: {file.Name} is not a JSON object of field: header pairs ({e.Message})");
        }
        var map = new Dictionary<ImportField, string>();
        foreach (var (field, header) in entries ?? [])
            map[ImportColumns.TryParse(field, out var f) ? f : throw new UserError(
                $"--column-map: unknown field '{field}'; the fields are {string.Join(", ", Enum.GetValues<ImportField>().Select(ImportColumns.Name))}")] = header;
        return map;
    }

    private static CultureInfo Culture(string name)
    {
        try
        {
            return CultureInfo.GetCultureInfo(name, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            throw new UserError($"--culture: '{name}' is not a known culture; use a name such as en-GB, en-US, de-DE or fr-FR");
        }
    }

    private static Encoding Encoding(string name)
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        try
        {
            return System.Text.Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            throw new UserError($"--encoding: '{name}' is not an encoding; use utf-8 or windows-1252");
        }
    }

    private static char Separator(string value) => value switch
    {
        "," or ";" or "|" => value[0],
        "tab" or "\\t" or "\t" => '\t',
        _ => throw new UserError($"--separator: '{value}' is not a separator; use ',', ';', '|' or tab"),
    };

    /// <summary>One overwritten line on stderr while attached to a terminal; nothing when piped or redirected.</summary>
    private sealed class Progress : IDisposable
    {
        private readonly bool _shown = !Console.IsErrorRedirected;
        private bool _written;

        public void Show(string message)
        {
            if (!_shown) return;
            TerminalText.RawError.Write($"\r\u001b[Kimporting: {TerminalText.Escape(message)}…");
            _written = true;
        }

        public void Dispose()
        {
            if (_written) TerminalText.RawError.Write("\r\u001b[K");
            _written = false;
        }
    }
}
