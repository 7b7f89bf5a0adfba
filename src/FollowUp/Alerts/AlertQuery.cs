using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Alerts;

/// <summary>One alert in a list (the admin tool's, the web face's inbox): with its patient's name and who acknowledged it.</summary>
public sealed record AlertListing
{
    public long Id { get; init; }
    /// <summary>Null for a crisis alert tied to no course: then <see cref="Patient"/> is null and <see cref="From"/> says who wrote.</summary>
    public long? CourseId { get; init; }
    public string? Patient { get; init; }
    /// <summary>The sender and subject of the message a crisis alert tied to no course came from.</summary>
    public string? From { get; init; }
    public string? Subject { get; init; }
    public string Kind { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Status { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTime RaisedAt { get; init; }
    public DateTime? EscalatedAt { get; init; }
    public DateTime? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
}

/// <summary>Which alerts an inbox shows: open, acknowledged, or escalated (sent to the lead and still open).</summary>
public enum AlertInbox { Open, Acknowledged, Escalated }

/// <summary>One alert in full: who it is about, who was told and when, and who acknowledged it.</summary>
public sealed record AlertDetail
{
    public long Id { get; init; }
    /// <summary>Null for a crisis alert tied to no course; then <see cref="Message"/> says where it came from.</summary>
    public long? CourseId { get; init; }
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
    public string? PatientName { get; init; }
    public string? PatientEmail { get; init; }
    public string? TherapistName { get; init; }
    public string? TherapistEmail { get; init; }
    /// <summary>The inbound message a crisis alert tied to no course came from, and how its sender was authenticated.</summary>
    public AlertMessage? Message { get; init; }
}

/// <summary>The message a crisis alert tied to no course came from: who it claims to be from, and what the clinic's server proved.</summary>
public sealed record AlertMessage(long InboundMessageId, string? FromAddress, string? Subject, string SenderAuthentication, string? Text);

/// <summary>An alert with its course's trajectory, judged by the clinic's configured alert settings.</summary>
public sealed record AlertView(AlertDetail Alert, CourseTrajectory? Trajectory);

/// <summary>Reads alerts for the admin tool (and the web face): most severe first, or one in full with its trajectory.</summary>
public sealed class AlertQuery(NpgsqlDataSource dataSource, IOptions<AlertOptions> options)
{
    /// <summary>Open alerts, or every alert with <paramref name="all"/>; most severe first, then oldest first.</summary>
    public async Task<IReadOnlyList<AlertListing>> ListAsync(bool all, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AlertListing>(new CommandDefinition(List, new { all }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// The alerts of one inbox for the courses of one therapist (or, with null, of the clinic): open and escalated ones
    /// most severe first, then oldest first; acknowledged ones newest first. At most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<AlertListing>> InboxAsync(AlertInbox inbox, long? therapistId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AlertListing>(new CommandDefinition(Inbox,
            new { inbox = inbox.ToString().ToLowerInvariant(), therapistId, limit }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// One alert with its course's trajectory (none for an alert tied to no course: its message instead), or null when
    /// there is no such alert.
    /// </summary>
    public async Task<AlertView?> ShowAsync(long alertId, CancellationToken cancellationToken)
    {
        AlertDetail? alert;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            alert = await connection.QuerySingleOrDefaultAsync<AlertDetail>(new CommandDefinition(Show, new { alertId }, cancellationToken: cancellationToken));
            if (alert is { CourseId: null })
            {
                var m = await connection.QuerySingleAsync<(long Id, string? From, string? Subject, string? Proof, string? Text)>(new CommandDefinition(
                    "SELECT m.id, m.from_address, m.subject, m.sender_proof, m.body_text FROM alerts a JOIN inbound_messages m ON m.id = a.inbound_message_id WHERE a.id = @alertId",
                    new { alertId }, cancellationToken: cancellationToken));
                alert = alert with { Message = new AlertMessage(m.Id, m.From, m.Subject, Replies.SenderProofs.Describe(m.Proof), m.Text) };
            }
        }
        if (alert is null) return null;
        return new AlertView(alert, alert.CourseId is { } courseId ? await CourseTrajectory.ReadAsync(dataSource, courseId, options.Value, cancellationToken) : null);
    }

    private const string List = $"""
        SELECT {ListingColumns}
        {ListingFrom}
        WHERE @all OR a.status = 'open'
        ORDER BY alert_severity_rank(a.severity) DESC, a.raised_at
        """;

    private const string ListingColumns = """
        a.id, a.course_id, p.name AS patient, m.from_address AS "from", m.subject, a.kind, a.severity, a.status, a.reason,
        a.raised_at, a.escalated_at, a.acknowledged_at, a.acknowledged_by
        """;

    private const string ListingFrom = """
        FROM alerts a
        LEFT JOIN courses c ON c.id = a.course_id LEFT JOIN patients p ON p.id = c.patient_id
        LEFT JOIN inbound_messages m ON m.id = a.inbound_message_id AND a.course_id IS NULL
        """;

    private const string Inbox = $"""
        SELECT {ListingColumns}
        {ListingFrom}
        -- A therapist sees their courses' alerts; a lead also those tied to no course (self-harm wording from no patient).
        WHERE (@therapistId::bigint IS NULL OR c.therapist_id = @therapistId)
          AND CASE @inbox WHEN 'open' THEN a.status = 'open'
                          WHEN 'escalated' THEN a.status = 'open' AND a.escalated_at IS NOT NULL
                          ELSE a.status = 'acknowledged' END
        ORDER BY CASE WHEN a.status = 'open' THEN alert_severity_rank(a.severity) ELSE 0 END DESC,
                 CASE WHEN a.status = 'open' THEN a.raised_at END, a.acknowledged_at DESC
        LIMIT @limit
        """;

    private const string Show = """
        SELECT a.id, a.course_id, a.kind, a.severity, a.status, a.reason, a.notify_status, a.raised_at, a.notified_at, a.escalated_at,
               a.acknowledged_at, a.acknowledged_by, p.name AS patient_name, p.email AS patient_email, t.name AS therapist_name,
               t.email AS therapist_email
        FROM alerts a LEFT JOIN courses c ON c.id = a.course_id LEFT JOIN patients p ON p.id = c.patient_id LEFT JOIN therapists t ON t.id = c.therapist_id
        WHERE a.id = @alertId
        """;
}
