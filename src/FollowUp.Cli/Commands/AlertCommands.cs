using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dapper;
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
            await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
            var rows = (await connection.QueryAsync<AlertRow>(new CommandDefinition(ListSql, new { all = parsed.GetValue(all) }, cancellationToken: cancellationToken))).ToList();
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
                return 0;
            }
            Console.WriteLine($"{"ID",6}  {"COURSE",6}  {"KIND",-14} {"SEVERITY",-8} {"STATUS",-12} {"RAISED",-16}  {"ESCALATED",-9}  REASON");
            foreach (var r in rows)
                Console.WriteLine(FormattableString.Invariant(
                    $"{r.Id,6}  {r.CourseId,6}  {r.Kind,-14} {r.Severity,-8} {r.Status,-12} {r.RaisedAt:yyyy-MM-dd HH:mm}  {(r.EscalatedAt is null ? "no" : "yes"),-9}  {r.Reason}"));
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
            var dataSource = services.GetRequiredService<NpgsqlDataSource>();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var alertId = parsed.GetValue(id);
            var alert = await connection.QuerySingleOrDefaultAsync<AlertDetail>(new CommandDefinition(ShowSql, new { alertId }, cancellationToken: cancellationToken))
                ?? throw new UserError($"alert {alertId} does not exist");
            Console.WriteLine(FormattableString.Invariant($"Alert A-{alert.Id}: {AlertEmail.Headline(alert.Kind)} ({alert.Severity}), {alert.Status}"));
            Console.WriteLine($"Reason:    {alert.Reason}");
            Console.WriteLine($"Patient:   {alert.PatientName} <{alert.PatientEmail}>, course {alert.CourseId}");
            Console.WriteLine($"Therapist: {alert.TherapistName} <{alert.TherapistEmail}>");
            Console.WriteLine(FormattableString.Invariant($"Raised:    {alert.RaisedAt:yyyy-MM-dd HH:mm} UTC; email {alert.NotifyStatus}{(alert.NotifiedAt is { } n ? $" {n:yyyy-MM-dd HH:mm}" : "")}{(alert.EscalatedAt is { } e ? $"; escalated {e:yyyy-MM-dd HH:mm}" : "")}"));
            if (alert.AcknowledgedAt is { } at) Console.WriteLine(FormattableString.Invariant($"Acknowledged {at:yyyy-MM-dd HH:mm} UTC by {alert.AcknowledgedBy}"));
            var toSend = new AlertToSend { Id = alert.Id, Reason = alert.Reason, PatientName = alert.PatientName, PatientEmail = alert.PatientEmail, StartedOn = alert.StartedOn, EndedOn = alert.EndedOn, PainAtStart = alert.PainAtStart, PainAtEnd = alert.PainAtEnd };
            var points = AlertEmail.Points(toSend, await AlertNotifier.TrajectoryAsync(dataSource, alert.CourseId, cancellationToken));
            var text = AlertEmail.Text(toSend, points, new AlertOptions()).Split('\n');
            Console.WriteLine();
            foreach (var line in text.SkipWhile(l => !l.StartsWith("Pain over time", StringComparison.Ordinal)).TakeWhile(l => l.Trim().Length > 0)) Console.WriteLine(line.TrimEnd());
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
            var outcome = await Acknowledgement.AcknowledgeAsync(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>().GetUtcNow(),
                alertId, who, leadAddress: null, cancellationToken);
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

    internal sealed class AlertRow
    {
        public long Id { get; init; }
        public long CourseId { get; init; }
        public string Kind { get; init; } = "";
        public string Severity { get; init; } = "";
        public string Status { get; init; } = "";
        public string Reason { get; init; } = "";
        public DateTime RaisedAt { get; init; }
        public DateTime? EscalatedAt { get; init; }
        public DateTime? AcknowledgedAt { get; init; }
    }

    private sealed class AlertDetail
    {
        public long Id { get; init; }
        public long CourseId { get; init; }
        public string Kind { get; init; } = "";
        public string Severity { get; init; } = "";
        public string Status { get; init; } = "";
        public string Reason { get; init; } = "";
        public string NotifyStatus { get; init; } = "";
        public DateTime RaisedAt { get; init; }
        public DateTime? NotifiedAt { get; init; }
        public DateTime? EscalatedAt { get; init; }
        public DateTime? AcknowledgedAt { get; init; }
        public string? AcknowledgedBy { get; init; }
        public string PatientName { get; init; } = "";
        public string PatientEmail { get; init; } = "";
        public string? TherapistName { get; init; }
        public string TherapistEmail { get; init; } = "";
        public DateOnly StartedOn { get; init; }
        public DateOnly EndedOn { get; init; }
        public int PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
    }

    private const string ListSql = """
        SELECT id, course_id, kind, severity, status, reason, raised_at, escalated_at, acknowledged_at
        FROM alerts
        WHERE @all OR status = 'open'
        ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, raised_at
        """;

    private const string ShowSql = """
        SELECT a.id, a.course_id, a.kind, a.severity, a.status, a.reason, a.notify_status, a.raised_at, a.notified_at, a.escalated_at,
               a.acknowledged_at, a.acknowledged_by, p.name AS patient_name, p.email AS patient_email, t.name AS therapist_name,
               t.email AS therapist_email, c.started_on, c.ended_on, c.pain_at_start, c.pain_at_end
        FROM alerts a JOIN courses c ON c.id = a.course_id JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
        WHERE a.id = @alertId
        """;
}
