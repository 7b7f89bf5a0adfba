using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.CheckIns;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

internal static class SendCommands
{
    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Build() => new("send", "The send log: every check-in and reminder, its status and reason.") { List(), Cancel() };

    private static Command List()
    {
        var course = new Option<long?>("--course") { Description = "Only this course" };
        var patient = new Option<long?>("--patient") { Description = "Only this patient (id)" };
        var date = new Option<string?>("--date") { Description = "Only emails due or sent on this day in the patient's time, YYYY-MM-DD" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("list", """
            List check-ins and reminders with status (planned, sending, sent, answered, failed, cancelled) and reason.
            Example: followup-admin send list --course 12
            """) { course, patient, date, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            DateOnly? day = parsed.GetValue(date) is { } text
                ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
                    : throw new UserError($"--date: '{text}' is not a date; use YYYY-MM-DD, e.g. 2026-11-05")
                : null;
            await using var services = CliContext.Services(parsed);
            var rows = await services.GetRequiredService<SendLog>().ListAsync(parsed.GetValue(course), parsed.GetValue(patient), day, cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
                return 0;
            }
            // The zone in full: "Europe/London" and "Europe/Lisbon" are one hour apart and cut to the same "Europ".
            var zoneWidth = Math.Max("ZONE".Length, rows.Count == 0 ? 0 : rows.Max(r => r.TimeZone.Length));
            Console.WriteLine($"{"ID",-8} {"COURSE",6}  {"PATIENT",-20} {"KIND",-14} {"DUE (PATIENT TIME)",-16} {"ZONE".PadRight(zoneWidth)} {"STATUS",-9} REASON");
            foreach (var r in rows)
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone);
                var due = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(r.SentAt ?? r.DueAt, DateTimeKind.Utc), zone);
                var what = r.Reminder > 0 ? $"#{r.Sequence} reminder {r.Reminder}" : $"#{r.Sequence} check-in";
                Console.WriteLine(FormattableString.Invariant(
                    $"{r.Id,-8} {r.CourseId,6}  {Clip(r.Patient, 20),-20} {what,-14} {due,-16:yyyy-MM-dd HH:mm} {r.TimeZone.PadRight(zoneWidth)} {r.Status,-9} {r.Failure}"));
            }
            if (rows.Count == 0) Console.WriteLine("Nothing in the send log matches.");
            return 0;
        });
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "The email's id from 'send list' (c12 = check-in, r5 = reminder)" };
        var command = new Command("cancel", """
            Cancel one planned email (a check-in's planned reminders go with it).
            Example: followup-admin send cancel c12
            """) { id };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            try
            {
                var entry = await services.GetRequiredService<SendLog>().CancelAsync(parsed.GetValue(id)!, $"cli:{Environment.UserName}", cancellationToken);
                Console.WriteLine(FormattableString.Invariant($"Cancelled {entry.Id} ({entry.Kind} #{entry.Sequence} of course {entry.CourseId})."));
            }
            catch (SendLogException e)
            {
                throw new UserError(e.Message);
            }
            return 0;
        });
        return command;
    }

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
