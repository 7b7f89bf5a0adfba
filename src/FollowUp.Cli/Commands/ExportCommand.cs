using System.CommandLine;
using System.Text;
using FollowUp.Exports;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>export</c>: courses, check-ins, replies and alerts as spreadsheet-safe CSV or as FHIR R4 NDJSON.</summary>
internal static class ExportCommand
{
    public static Command Build()
    {
        var format = new Option<string>("--format") { Description = "csv (one file per table in a folder) or fhir (one NDJSON file)", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "fhir");
        var output = new Option<string>("--out") { Description = "The folder (csv) or file (fhir) to write", Required = true };
        var from = new Option<DateOnly?>("--from") { Description = "Only courses that ended on or after this date (yyyy-MM-dd)" };
        var to = new Option<DateOnly?>("--to") { Description = "Only courses that ended on or before this date (yyyy-MM-dd)" };
        var command = new Command("export", """
            Export courses, check-ins, replies and alerts. csv: courses.csv, check_ins.csv, replies.csv, alerts.csv in
            the --out folder (UTF-8; a cell that starts with = + - @ tab or CR gets a leading apostrophe so that no
            spreadsheet runs it). fhir: FHIR R4 NDJSON, Patient, Encounter (the course), QuestionnaireResponse per
            answered check-in (the raw reply as text), Observation per value (LOINC 72514-3 pain, 55758-7 PHQ-2 total,
            44250-9 and 44255-8 its items) derived from its response. The files hold health information: keep them so.
            Example: followup-admin export --format fhir --out followup.ndjson --from 2026-01-01
            """) { format, output, from, to };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (parsed.GetValue(from) is { } f && parsed.GetValue(to) is { } t && f > t) throw new UserError($"--from {f:yyyy-MM-dd} is after --to {t:yyyy-MM-dd}");
            var path = Path.GetFullPath(parsed.GetValue(output)!);
            await using var services = CliContext.Services(parsed);
            var set = await services.GetRequiredService<ExportQuery>().ReadAsync(parsed.GetValue(from), parsed.GetValue(to), cancellationToken);
            try
            {
                if (parsed.GetValue(format) == "fhir")
                {
                    if (Directory.Exists(path)) throw new UserError($"--out {path} is a folder; give a file name for the NDJSON");
                    await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
                    await FhirExport.WriteAsync(set, writer, cancellationToken);
                }
                else
                {
                    if (File.Exists(path)) throw new UserError($"--out {path} is a file; give a folder for the CSV files");
                    await CsvExport.WriteAsync(set, path, cancellationToken);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserError($"--out {path}: cannot write there ({e.Message})");
            }
            Console.WriteLine($"Exported {set.Courses.Count} courses, {set.CheckIns.Count} check-ins, {set.Replies.Count} replies, {set.Alerts.Count} alerts to {path}");
            return 0;
        });
        return command;
    }
}
