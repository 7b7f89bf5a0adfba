using Dapper;
using Npgsql;

namespace FollowUp.Operations;

/// <summary>A worker node of the Quartz cluster, from its last check-in.</summary>
public sealed record ClusterNode(string Instance, DateTime LastCheckInAt, TimeSpan CheckInInterval, bool Late);

/// <summary>What <c>followup-admin status</c> shows: is anything running, is work piling up, when did mail last move.</summary>
public sealed record StatusReport
{
    public required IReadOnlyList<ClusterNode> Nodes { get; init; }
    /// <summary>Check-ins due now and not yet sent: the dispatch queue.</summary>
    public required long DueNow { get; init; }
    public required long PlannedLater { get; init; }
    public required long Sending { get; init; }
    public required long Failed { get; init; }
    public required DateTime? LastSentAt { get; init; }
    /// <summary>When the worker last took a message out of the replies mailbox (an empty poll leaves no trace).</summary>
    public required DateTime? LastInboxMessageAt { get; init; }
    public required long OpenAlerts { get; init; }
    public required long AlertsNotNotified { get; init; }
    /// <summary>When the email due longest ago and still not sent was due (check-ins and reminders), or null when none waits.</summary>
    public DateTime? OldestDueAt { get; init; }
    /// <summary>
    /// Why that email's last attempt did not go ("SMTP connection failed: ..."), or null: the outage in progress as the
    /// database sees it (each worker logs its own outages; an empty poll of the mailbox leaves no trace here).
    /// </summary>
    public string? OldestDueFailure { get; init; }
    /// <summary>Open crisis alerts tied to no course (self-harm wording from a sender shown to be no patient): the lead's.</summary>
    public required long CrisisWithoutCourse { get; init; }
}

/// <summary>Reads the health of a FollowUp installation from its database alone, so it works from any machine.</summary>
public sealed class ServiceStatus(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<StatusReport> ReadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var nodes = (await connection.QueryAsync<(string Instance, long LastCheckin, long Interval)>(new CommandDefinition(Nodes, cancellationToken: cancellationToken)))
            .Select(n =>
            {
                // Quartz.NET stores instants as UTC ticks and the interval in milliseconds.
                var at = new DateTime(n.LastCheckin, DateTimeKind.Utc);
                var interval = TimeSpan.FromMilliseconds(n.Interval);
                // Quartz itself declares a node failed after its interval plus a grace of 7.5 s (JobStoreSupport.CalcFailedIfAfter).
                return new ClusterNode(n.Instance, at, interval, now - at > interval + TimeSpan.FromSeconds(7.5));
            }).ToList();
        var counts = await connection.QuerySingleAsync<Counts>(new CommandDefinition(CountsSql, new { now }, cancellationToken: cancellationToken));
        return new StatusReport
        {
            Nodes = nodes,
            DueNow = counts.DueNow,
            PlannedLater = counts.PlannedLater,
            Sending = counts.Sending,
            Failed = counts.Failed,
            LastSentAt = counts.LastSentAt,
            LastInboxMessageAt = counts.LastInboxMessageAt,
            OpenAlerts = counts.OpenAlerts,
            AlertsNotNotified = counts.AlertsNotNotified,
            CrisisWithoutCourse = counts.CrisisWithoutCourse,
            OldestDueAt = counts.OldestDueAt,
            OldestDueFailure = counts.OldestDueFailure,
        };
    }

    private sealed class Counts
    {
        public long DueNow { get; init; }
        public long PlannedLater { get; init; }
        public long Sending { get; init; }
        public long Failed { get; init; }
        public DateTime? LastSentAt { get; init; }
        public DateTime? LastInboxMessageAt { get; init; }
        public long OpenAlerts { get; init; }
        public long AlertsNotNotified { get; init; }
        public long CrisisWithoutCourse { get; init; }
        public DateTime? OldestDueAt { get; init; }
        public string? OldestDueFailure { get; init; }
    }

    private const string Nodes = """
        SELECT instance_name, last_checkin_time, checkin_interval FROM qrtz_scheduler_state ORDER BY instance_name
        """;

    private const string CountsSql = """
        SELECT (SELECT count(*) FROM check_ins WHERE status = 'planned' AND due_at <= @now) AS due_now,
               (SELECT count(*) FROM check_ins WHERE status = 'planned' AND due_at > @now) AS planned_later,
               (SELECT count(*) FROM check_ins WHERE status = 'sending') AS sending,
               (SELECT count(*) FROM check_ins WHERE status = 'failed') AS failed,
               (SELECT max(sent_at) FROM check_ins) AS last_sent_at,
               (SELECT max(received_at) FROM inbound_messages) AS last_inbox_message_at,
               (SELECT count(*) FROM alerts WHERE status = 'open') AS open_alerts,
               (SELECT count(*) FROM alerts WHERE notify_status IN ('pending', 'sending', 'failed') AND status = 'open') AS alerts_not_notified,
               (SELECT count(*) FROM alerts WHERE course_id IS NULL AND kind = 'crisis' AND status = 'open') AS crisis_without_course,
               oldest.due_at AS oldest_due_at, oldest.failure AS oldest_due_failure
        FROM (SELECT NULL) one
        LEFT JOIN LATERAL (
            SELECT due_at, failure FROM (
                SELECT due_at, failure FROM check_ins WHERE status = 'planned' AND due_at <= @now
                UNION ALL
                SELECT due_at, failure FROM reminders WHERE status = 'planned' AND due_at <= @now) due
            ORDER BY due_at LIMIT 1) oldest ON true
        """;
}
