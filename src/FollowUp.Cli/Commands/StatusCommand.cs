using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>status</c>: the health of the installation, from the database.</summary>
internal static class StatusCommand
{
    public static Command Build()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts and monitoring" };
        var command = new Command("status", """
            Show the worker nodes (Quartz cluster check-ins), the send queue, the last send, the last message read from the
            replies mailbox and the open alerts. Exit 1 when no worker node has checked in recently.
            Example: followup-admin status --json
            """) { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var report = await services.GetRequiredService<ServiceStatus>().ReadAsync(cancellationToken);
            var running = report.Nodes.Any(n => !n.Late);
            if (parsed.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
            else Print(report, running);
            if (!running) throw new UserError("no worker is running: no node of the cluster has checked in recently");
            return 0;
        });
        return command;
    }

    private static void Print(StatusReport r, bool running)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine("Worker nodes:");
        foreach (var n in r.Nodes)
            Console.WriteLine(string.Create(c, $"  {n.Instance,-40} last check-in {n.LastCheckInAt:yyyy-MM-dd HH:mm:ss} UTC  {(n.Late ? "LATE (stopped?)" : "ok")}"));
        if (r.Nodes.Count == 0) Console.WriteLine("  none has ever started against this database");
        Console.WriteLine(string.Create(c, $"Check-ins: {r.DueNow} due now, {r.PlannedLater} planned later, {r.Sending} being sent, {r.Failed} failed"));
        if (r.OldestDueAt is { } oldest)
            Console.WriteLine($"Oldest email due: {When(oldest)}{(r.OldestDueFailure is { } failure ? $" (last attempt: {failure})" : "")}");
        Console.WriteLine($"Last send: {When(r.LastSentAt)}");
        Console.WriteLine($"Last message read from the replies mailbox: {When(r.LastInboxMessageAt)}");
        Console.WriteLine(string.Create(c, $"Open alerts: {r.OpenAlerts} ({r.AlertsNotNotified} not yet emailed to the therapist)"));
        // Self-harm wording nobody's course holds: said on its own line, so that it is never read past.
        if (r.CrisisWithoutCourse > 0)
            Console.WriteLine(string.Create(c, $"CRISIS: {r.CrisisWithoutCourse} open crisis alert(s) tied to no course, for the clinic lead (followup-admin alert list)"));
        // The error that follows on stderr stands apart from the table in a terminal, where both streams meet.
        if (!running) Console.WriteLine();
    }

    private static string When(DateTime? at) => at is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "never";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
