using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>patient export|erase</c>: a patient's request for their data, or for its erasure.</summary>
internal static class PatientCommands
{
    public static Command Build() => new("patient", "A patient's requests about their data: a copy of it, or its erasure.") { Export(), Erase() };

    private static Argument<string> Who() => new("PATIENT")
    {
        Description = "The patient: their email address, the clinic's patient id, or FollowUp's patient id (an address two patients share names neither)",
    };

    private static Command Export()
    {
        var who = Who();
        var output = new Option<string?>("--output") { Description = "The archive to write (default: patient-ID-DATE.zip in the current folder); it must not exist" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("export", """
            Write everything FollowUp holds about one patient into one .zip they can read: README.txt in plain words, data.json with every record (consent, courses, check-ins, emails sent, replies, alerts, the audit trail about them) and the raw .eml of each of their messages from the replies mailbox. Nothing about any other patient.
            Example: followup-admin patient export dana@example.org --output dana.zip
            """) { who, output, json, CliContext.Actor };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var today = services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var path = parsed.GetValue(output) ?? $"patient-{Safe(parsed.GetValue(who)!)}-{today}.zip";
            var report = await services.GetRequiredService<PatientRequests>().ExportAsync(parsed.GetValue(who)!, path, CliContext.ActorOf(parsed), cancellationToken);
            if (parsed.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new { path = report.Path, patient_id = report.PatientId, messages = report.Messages, rows = report.Rows }, JsonOptions));
            else
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Wrote {report.Path}: {(report.PatientId == 0 ? "an erased patient's address, the mail since the erasure" : $"patient {report.PatientId}")}, {JsonSerializer.Serialize(report.Rows)}, {report.Messages} raw message(s)."));
            return 0;
        });
        return command;
    }

    private static Command Erase()
    {
        var who = Who();
        var force = new Option<bool>("--force") { Description = "Erase even while an alert about the patient is open" };
        var command = new Command("erase", """
            Erase one patient on request: every record of theirs from the database and each of their messages from every folder of the replies mailbox; the audit rows about them are redacted. Refused while an alert about them is open, unless --force. The audit trail records that an erasure happened, not whom; asking again says when it was done. An interrupted erasure finishes when run again.
            Example: followup-admin patient erase dana@example.org
            """) { who, force, CliContext.Actor };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var report = await services.GetRequiredService<PatientRequests>().EraseAsync(parsed.GetValue(who)!, parsed.GetValue(force), CliContext.ActorOf(parsed), cancellationToken);
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(report.AlreadyErased
                ? string.Create(c, $"Already erased on {report.At:yyyy-MM-dd} (erasure {report.ErasureId}).") + (report.Rows is null ? ""
                    : string.Create(c, $" Mail from the address since then removed: {JsonSerializer.Serialize(report.Rows)}, {report.MessagesRemoved} message(s) from the mailbox."))
                : string.Create(c, $"Erased (erasure {report.ErasureId}): {(report.Rows is null ? "database done before" : JsonSerializer.Serialize(report.Rows))}, {report.MessagesRemoved} message(s) removed from the mailbox."));
            if (report.ClosedAlerts.Count > 0)
                Console.WriteLine(string.Create(c, $"Closed {report.ClosedAlerts.Values.Sum()} open alert(s) without acknowledgement: {string.Join(", ", report.ClosedAlerts.Select(k => $"{k.Value} {k.Key}"))}."));
            if (report.Notice is { } notice)
                Console.WriteLine(notice.Sent
                    ? string.Create(c, $"Told {notice.Recipients} therapist(s) or the lead that an open alert was closed by an erasure on request (no patient data in it).")
                    : string.Create(c, $"The notice about the closed alert(s) was not sent: {notice.Failure}; tell the therapist yourself, or ask for the erasure again to send it."));
            return 0;
        });
        return command;
    }

    // The file name must not carry an address's @ or a path separator from the argument.
    private static string Safe(string text) => new([.. text.Trim().Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '.' or '_' ? ch : '_')]);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
