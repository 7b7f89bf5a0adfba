using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FollowUp.Cli.Commands;

internal static class AlertCommands
{
    public static Command Build() => new("alert", "Alerts raised for therapists: list them, see one in full, acknowledge one, re-assess every course.") { List(), Show(), Ack(), Reassess() };

    private static Command List()
    {
        var all = new Option<bool>("--all") { Description = "Include acknowledged and closed alerts (default: open ones only)" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("list", """
            List alerts, most severe first.
            Example: followup-admin alert list --json
            """) { all, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var rows = await services.GetRequiredService<AlertQuery>().ListAsync(parsed.GetValue(all), cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
                return 0;
            }
            Console.WriteLine($"{"ID",6}  {"COURSE",6}  {"KIND",-14} {"SEVERITY",-8} {"STATUS",-12} {"RAISED",-16}  {"ESCALATED",-9}  REASON");
            foreach (var r in rows)
                Console.WriteLine(FormattableString.Invariant(
                    $"{r.Id,6}  {(r.CourseId is { } course ? course.ToString(CultureInfo.InvariantCulture) : "none"),6}  {r.Kind,-14} {r.Severity,-8} {r.Status,-12} {r.RaisedAt:yyyy-MM-dd HH:mm}  {(r.EscalatedAt is null ? "no" : "yes"),-9}  {r.Reason}"));
            if (rows.Count == 0) Console.WriteLine(parsed.GetValue(all) ? "No alerts yet." : "No open alerts.");
            return 0;
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<long>("id") { Description = "The alert's id (the number in A-42)" };
        var command = new Command("show", """
            Show one alert in full: patient, therapist, reason, trajectory, and who acknowledged it (the details a minimal-PHI email leaves out).
            Example: followup-admin alert show 42
            """) { id };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var alertId = parsed.GetValue(id);
            var (alert, trajectory) = await services.GetRequiredService<AlertQuery>().ShowAsync(alertId, cancellationToken)
                ?? throw new UserError($"alert {alertId} does not exist");
            Console.WriteLine(FormattableString.Invariant($"Alert A-{alert.Id}: {AlertEmail.Headline(alert.Kind)} ({alert.Severity}), {alert.Status}"));
            Console.WriteLine($"Reason:    {alert.Reason}");
            if (alert.Message is { } m)
            {
                // Tied to no course: the message itself is what the lead reads; its From: is only what the sender typed.
                Console.WriteLine("Course:    none (for the clinic lead: the sender is shown to be no patient)");
                Console.WriteLine(FormattableString.Invariant($"Message:   inbound {m.InboundMessageId} from {m.FromAddress} (as written by the sender), subject \"{m.Subject}\""));
                Console.WriteLine($"Sender:    {m.SenderAuthentication}");
            }
            else
            {
                Console.WriteLine($"Patient:   {alert.PatientName} <{alert.PatientEmail}>, course {alert.CourseId}");
                Console.WriteLine($"Therapist: {alert.TherapistName} <{alert.TherapistEmail}>");
            }
            Console.WriteLine(FormattableString.Invariant($"Raised:    {alert.RaisedAt:yyyy-MM-dd HH:mm} UTC; email {alert.NotifyStatus}{(alert.NotifiedAt is { } n ? $" {n:yyyy-MM-dd HH:mm}" : "")}{(alert.EscalatedAt is { } e ? $"; escalated {e:yyyy-MM-dd HH:mm}" : "")}"));
            if (alert.AcknowledgedAt is { } at) Console.WriteLine(FormattableString.Invariant($"Acknowledged {at:yyyy-MM-dd HH:mm} UTC by {alert.AcknowledgedBy}"));
            Console.WriteLine();
            if (trajectory is not null) Console.Write(TrajectoryText.Render(trajectory));
            else Console.WriteLine(alert.Message?.Text);
            return 0;
        });
        return command;
    }

    private static Command Ack()
    {
        var id = new Argument<long>("id") { Description = "The alert's id (the number in A-42)" };
        var by = new Option<string?>("--by") { Description = "Who acknowledges it (default: the user running the command)" };
        var command = new Command("ack", """
            Acknowledge an open alert: someone has seen it and is acting. Stops its escalation to the clinic lead.
            Example: followup-admin alert ack 42 --by "sam@clinic.example"
            """) { id, by };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var alertId = parsed.GetValue(id);
            var who = parsed.GetValue(by) is { Length: > 0 } b ? b : $"{Environment.UserName} (followup-admin)";
            // The static acknowledgement needs only the database: an admin can acknowledge without the mail settings.
            var outcome = await Acknowledgement.AcknowledgeAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>().GetUtcNow(),
                alertId, who, leadAddress: null, note: null, cancellationToken);
            switch (outcome)
            {
                case Acknowledgement.AckOutcome.NotFound: throw new UserError($"alert {alertId} does not exist");
                case Acknowledgement.AckOutcome.AlreadyDone: throw new UserError($"alert {alertId} is not open (already acknowledged or closed)");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Alert {alertId} acknowledged by {who}."));
            return 0;
        });
        return command;
    }

    private static Command Reassess()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be raised or updated; change nothing" };
        var command = new Command("reassess", """
            Re-assess every course with the current alert rules (after changing FollowUp:Alerts settings): raise or update alerts as new replies would.
            Never re-opens what a therapist acknowledged about the same check-in; never closes an alert. Safe to run again.
            Example: followup-admin alert reassess --dry-run
            """) { dryRun };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var summary = await services.GetRequiredService<Reassessment>().RunAsync(parsed.GetValue(dryRun), cancellationToken);
            if (summary.DryRun)
            {
                foreach (var change in summary.Changes)
                    Console.WriteLine(FormattableString.Invariant($"would {change.Action,-6} course {change.CourseId,6}  {change.Kind,-14} {change.Severity,-8} {change.Reason}"));
                Console.WriteLine(FormattableString.Invariant(
                    $"Dry run: {summary.CoursesAssessed} courses assessed ({summary.Readings} answered check-ins); would raise {summary.Raised} alerts, update {summary.Updated}, leave {summary.Unchanged} unchanged. Nothing was written."));
            }
            else
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"{summary.CoursesAssessed} courses assessed ({summary.Readings} answered check-ins): {summary.Raised} alerts raised, {summary.Updated} updated, {summary.Unchanged} unchanged."));
            }
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
