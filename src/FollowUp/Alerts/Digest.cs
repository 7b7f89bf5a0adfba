using System.Globalization;
using System.Net;
using System.Text;
using Dapper;
using FollowUp.Audit;
using FollowUp.Mail;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.Alerts;

/// <summary>
/// Once a day per therapist, at the configured local time in their zone: open alerts (escalated and unacknowledged
/// ones marked), disengaged patients and the response rate. Before it, the therapist's courses are checked for
/// disengagement. Runs once across all nodes: the (therapist, local date) row is inserted in the transaction that
/// sends the digest, so only one node can claim it.
/// </summary>
internal sealed class Digest(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<SmtpOptions> smtpOptions, IOptions<ClinicOptions> clinicOptions,
    IOptions<AlertOptions> alertOptions, AlertNotifier notifier, ILogger<Digest> logger)
{
    /// <summary>Sends the digests that are due now; returns how many were sent.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var options = alertOptions.Value;
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var therapists = (await connection.QueryAsync<TherapistRow>(new CommandDefinition(Therapists, cancellationToken: cancellationToken))).ToList();
        var sent = 0;
        SmtpClient? smtp = null;
        try
        {
            foreach (var therapist in therapists)
            {
                var zone = TimeZoneInfo.TryFindSystemTimeZoneById(therapist.TimeZone ?? options.DefaultTimeZone, out var z) ? z : TimeZoneInfo.Utc;
                var local = TimeZoneInfo.ConvertTime(now, zone);
                if (TimeOnly.FromTimeSpan(local.TimeOfDay) < options.DigestAt) continue;
                var localDate = DateOnly.FromDateTime(local.DateTime);
                if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(AlreadySent, new { therapist.Id, localDate }, cancellationToken: cancellationToken))) continue;

                await RaiseDisengagementAsync(connection, therapist.Id, now, options, cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                if (await connection.ExecuteAsync(new CommandDefinition(ClaimDay, new { therapist.Id, localDate, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken)) == 0)
                    continue; // another node took this digest
                var alerts = (await connection.QueryAsync<DigestAlert>(new CommandDefinition(OpenAlerts, new { therapist.Id }, transaction, cancellationToken: cancellationToken))).ToList();
                var rate = await connection.QuerySingleAsync<ResponseRate>(new CommandDefinition(Rate, new { therapist.Id }, transaction, cancellationToken: cancellationToken));
                var message = Build(therapist, alerts, rate, localDate, clinicOptions.Value, options, now);
                var (status, _) = await notifier.TrySendAsync(async () => smtp ??= await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken), message, null, cancellationToken);
                if (status != "sent")
                {
                    await transaction.RollbackAsync(cancellationToken);
                    if (status == "pending") break;
                    continue;
                }
                await AuditTrail.WriteAsync(connection, transaction, now, "alerts", "digest_sent", null, null, therapist.Id,
                    new { localDate, open = alerts.Count }, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                Log.DigestSent(logger, therapist.Id, alerts.Count);
                sent++;
            }
        }
        finally
        {
            if (smtp is not null) await MailConnections.CloseAsync(smtp);
        }
        return sent;
    }

    private async Task RaiseDisengagementAsync(NpgsqlConnection connection, long therapistId, DateTimeOffset now, AlertOptions options, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<EngagementRow>(new CommandDefinition(Engagement, new { therapistId }, cancellationToken: cancellationToken))).ToList();
        foreach (var course in rows.GroupBy(r => (r.CourseId, r.PatientId, r.OptedOutAt)))
        {
            var sent = course.Where(r => r.SentAt is not null)
                .Select(r => new SentCheckIn(r.OffsetDays, new DateTimeOffset(r.SentAt!.Value, TimeSpan.Zero), r.Answered)).ToList();
            var optedOut = course.Key.OptedOutAt is { } o ? new DateTimeOffset(o, TimeSpan.Zero) : (DateTimeOffset?)null;
            if (Disengagement.Evaluate(sent, optedOut, now, options) is not { } finding) continue;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Assessment.RaiseAsync(connection, transaction, course.Key.CourseId, course.Key.PatientId, finding, now, logger, cancellationToken, notifyStatus: "digest");
            await transaction.CommitAsync(cancellationToken);
        }
    }

    internal static MimeMessage Build(TherapistRow therapist, IReadOnlyList<DigestAlert> alerts, ResponseRate rate, DateOnly day, ClinicOptions clinic, AlertOptions options, DateTimeOffset now)
    {
        var message = new MimeMessage { Date = now };
        message.From.Add(clinic.From);
        message.To.Add(new MailboxAddress(therapist.Name ?? "", therapist.Email));
        var unacknowledged = alerts.Count(a => a.Kind is not (AlertKinds.Disengaged or AlertKinds.MoodWatch));
        message.Subject = string.Create(CultureInfo.InvariantCulture, $"FollowUp daily digest {day:yyyy-MM-dd}: {unacknowledged} open alert(s)");
        message.MessageId = string.Create(CultureInfo.InvariantCulture, $"digest.{therapist.Id}.{day:yyyyMMdd}@{clinic.ReplyDomain}");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        var text = new StringBuilder();
        var html = new StringBuilder("""<html><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px">""");
        void Section(string title, IEnumerable<DigestAlert> items)
        {
            var list = items.ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"{title} ({list.Count}):");
            html.Append(CultureInfo.InvariantCulture, $"<h3>{WebUtility.HtmlEncode(title)} ({list.Count})</h3><ul>");
            foreach (var a in list)
            {
                var what = options.MinimalPhi ? AlertEmail.Headline(a.Kind) : $"{a.PatientName}: {a.Reason}";
                var marks = (a.EscalatedAt is null ? "" : " [escalated to the lead]");
                var line = string.Create(CultureInfo.InvariantCulture, $"A-{a.Id} ({a.Severity}, since {a.RaisedAt:yyyy-MM-dd}) {what}{marks}");
                text.AppendLine("  " + line);
                html.Append(CultureInfo.InvariantCulture, $"<li>{WebUtility.HtmlEncode(line)}</li>");
            }
            if (list.Count == 0) text.AppendLine("  none");
            html.Append("</ul>");
            text.AppendLine();
        }
        Section("Open alerts, not yet acknowledged", alerts.Where(a => a.Kind is not (AlertKinds.Disengaged or AlertKinds.MoodWatch)).OrderByDescending(a => AlertKinds.Rank(a.Severity)));
        Section("Patients who stopped taking part", alerts.Where(a => a.Kind == AlertKinds.Disengaged));
        if (alerts.Any(a => a.Kind == AlertKinds.MoodWatch))
            Section("Mood to watch (PHQ-2 at the watch level, no alert sent)", alerts.Where(a => a.Kind == AlertKinds.MoodWatch));
        var percent = rate.Sent == 0 ? "no check-ins sent yet" : string.Create(CultureInfo.InvariantCulture, $"{rate.Answered} of {rate.Sent} check-ins answered ({100.0 * rate.Answered / rate.Sent:0}%)");
        text.AppendLine(CultureInfo.InvariantCulture, $"Response rate over your courses: {percent}.");
        text.AppendLine("Acknowledge an alert by replying ACK to its email, or: followup-admin alert ack ID");
        html.Append(CultureInfo.InvariantCulture, $"<p>Response rate over your courses: {WebUtility.HtmlEncode(percent)}.</p><p>Acknowledge an alert by replying ACK to its email, or: <code>followup-admin alert ack ID</code></p></body></html>");
        message.Body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = html.ToString() }.ToMessageBody();
        return message;
    }

    internal sealed class TherapistRow
    {
        public long Id { get; init; }
        public string Email { get; init; } = "";
        public string? Name { get; init; }
        public string? TimeZone { get; init; }
    }

    internal sealed class DigestAlert
    {
        public long Id { get; init; }
        public string Kind { get; init; } = "";
        public string Severity { get; init; } = "";
        public string Reason { get; init; } = "";
        public DateTime RaisedAt { get; init; }
        public DateTime? EscalatedAt { get; init; }
        public string PatientName { get; init; } = "";
    }

    internal sealed class ResponseRate
    {
        public long Sent { get; init; }
        public long Answered { get; init; }
    }

    private sealed class EngagementRow
    {
        public long CourseId { get; init; }
        public long PatientId { get; init; }
        public DateTime? OptedOutAt { get; init; }
        public int OffsetDays { get; init; }
        public DateTime? SentAt { get; init; }
        public bool Answered { get; init; }
    }

    // Therapists with an active course or an open alert: nobody else has anything to read.
    private const string Therapists = """
        SELECT t.id, t.email, t.name, t.time_zone FROM therapists t
        WHERE EXISTS (SELECT 1 FROM courses c WHERE c.therapist_id = t.id AND c.status = 'active')
           OR EXISTS (SELECT 1 FROM alerts a JOIN courses c ON c.id = a.course_id WHERE c.therapist_id = t.id AND a.status = 'open')
        ORDER BY t.id
        """;

    private const string AlreadySent = "SELECT EXISTS (SELECT 1 FROM alert_digests WHERE therapist_id = @Id AND local_date = @localDate)";

    private const string ClaimDay = """
        INSERT INTO alert_digests (therapist_id, local_date, sent_at) VALUES (@Id, @localDate, @now)
        ON CONFLICT DO NOTHING
        """;

    private const string OpenAlerts = """
        SELECT a.id, a.kind, a.severity, a.reason, a.raised_at, a.escalated_at, p.name AS patient_name
        FROM alerts a JOIN courses c ON c.id = a.course_id JOIN patients p ON p.id = c.patient_id
        WHERE c.therapist_id = @Id AND a.status = 'open'
        ORDER BY a.raised_at
        """;

    // A check-in the patient replied to counts as answered here, also while it awaits an item the reply left unread
    // (check_ins.awaiting): this is about whether patients write back, and one who did is not disengaged.
    private const string Rate = """
        SELECT count(*) FILTER (WHERE ci.status IN ('sent', 'answered')) AS sent,
               count(*) FILTER (WHERE ci.status = 'answered' OR ci.awaiting IS NOT NULL) AS answered
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id
        WHERE c.therapist_id = @Id
        """;

    private const string Engagement = """
        SELECT c.id AS course_id, c.patient_id, p.opted_out_at, ci.offset_days, ci.sent_at, (ci.status = 'answered' OR ci.awaiting IS NOT NULL) AS answered
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN check_ins ci ON ci.course_id = c.id
        WHERE c.therapist_id = @therapistId AND c.status = 'active'
        ORDER BY c.id, ci.sequence
        """;
}
