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
/// Emails each new (or newly more severe) alert to the treating therapist, once, and the crisis contacts to a patient
/// whose reply mentioned self-harm. Digest-only alerts (disengagement) are left to the daily digest.
/// </summary>
internal sealed class AlertNotifier(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<ClinicOptions> clinicOptions,
    IOptions<AlertOptions> alertOptions,
    IOptions<Languages.ClinicLanguageOptions> clinicLanguage,
    ReplyToken tokens,
    IOptions<PatientPagesOptions> webPages,
    Operations.Outages outages,
    ILogger<AlertNotifier> logger)
{
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    /// <summary>Sends what is pending; returns the number of therapist alert emails sent.</summary>
    public async Task<int> NotifyAsync(CancellationToken cancellationToken)
    {
        var notified = 0;
        SmtpClient? smtp = null;
        try
        {
            // The patient's crisis contacts first: they are the most urgent email FollowUp ever sends.
            while (await ClaimPatientNoticeAsync(cancellationToken) is { } notice)
            {
                var message = CrisisEmail.Build(notice.Id, notice.PatientName, notice.PatientEmail,
                    notice.PatientLanguage ?? clinicLanguage.Value.Code, clinicOptions.Value, alertOptions.Value, clock.GetUtcNow());
                var (status, failure) = await TrySendAsync(async () => smtp ??= await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken), message, notice.Id, cancellationToken);
                await FinishPatientNoticeAsync(notice, status, failure, CancellationToken.None);
                if (status == "pending") break;
            }
            notified += await NotifyLeadAsync(async () => smtp ??= await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken), cancellationToken);
            while (await ClaimAsync(cancellationToken) is { } alert)
            {
                var trajectory = await CourseTrajectory.ReadAsync(dataSource, alert.CourseId, alertOptions.Value, cancellationToken);
                var message = AlertEmail.Build(alert, trajectory, clinicOptions.Value, alertOptions.Value, ReplyAddress(alert.Id), clock.GetUtcNow(), courseUrl: CourseUrl(alert.CourseId));
                var (status, failure) = await TrySendAsync(async () => smtp ??= await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken), message, alert.Id, cancellationToken);
                await FinishAsync(alert, status, failure, message.MessageId, CancellationToken.None);
                if (status == "sent") notified++;
                if (status == "pending") break;
            }
        }
        finally
        {
            if (smtp is not null) await MailConnections.CloseAsync(smtp);
        }
        return notified;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _warnedNoLead = new();

    /// <summary>
    /// Crisis alerts tied to no course go to the clinic lead: there is no therapist to tell. Without a lead they stay
    /// pending (counted in status, listed by alert list), said once per alert as an error.
    /// </summary>
    private async Task<int> NotifyLeadAsync(Func<Task<SmtpClient>> connect, CancellationToken cancellationToken)
    {
        var lead = alertOptions.Value.LeadAddress;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(lead))
        {
            var waiting = await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM alerts WHERE course_id IS NULL AND status = 'open' AND notify_status = 'pending'", cancellationToken: cancellationToken));
            foreach (var id in waiting.Where(id => _warnedNoLead.TryAdd(id, 0))) Log.CrisisWithoutLead(logger, id);
            return 0;
        }
        var sent = 0;
        while (await connection.QuerySingleOrDefaultAsync<CrisisToSend>(new CommandDefinition(CrisisWithoutCourse.Claim, new { lease = ClaimLease },
            cancellationToken: cancellationToken)) is { } crisis)
        {
            var message = CrisisWithoutCourse.Email(crisis, clinicOptions.Value, alertOptions.Value, MailboxAddress.Parse(lead), ReplyAddress(crisis.Id), clock.GetUtcNow());
            var (status, failure) = await TrySendAsync(connect, message, crisis.Id, cancellationToken);
            var now = clock.GetUtcNow();
            await using (var transaction = await connection.BeginTransactionAsync(CancellationToken.None))
            {
                await connection.ExecuteAsync(new CommandDefinition(Finish, new { id = crisis.Id, status, failure, messageId = message.MessageId, now = now.UtcDateTime }, transaction, cancellationToken: CancellationToken.None));
                if (status != "pending")
                    await AuditTrail.WriteAsync(connection, transaction, now, "alerts", status == "sent" ? "alert_sent" : "alert_send_failed", null, null, crisis.Id,
                        new { Kind = AlertKinds.Crisis, Severity = AlertKinds.High, to = "lead", failure }, CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
            if (status == "sent") sent++;
            if (status == "pending") break;
        }
        return sent;
    }

    /// <summary>The course's page on the web face, or null when the clinic runs none (FollowUp:Web:PublicUrl empty); no patient data in it.</summary>
    internal string? CourseUrl(long courseId) =>
        webPages.Value.PublicUrl is { Length: > 0 } web ? $"{web.TrimEnd('/')}/courses/{courseId}" : null;

    /// <summary>replies+a42-tag@domain: an ACK sent there is matched to the alert like a patient's reply to its check-in.</summary>
    internal string ReplyAddress(long alertId) =>
        $"{clinicOptions.Value.ReplyLocalPart}+{tokens.Create('a', alertId)}@{clinicOptions.Value.ReplyDomain}";

    /// <summary>Sends one message (an alert's, or a digest with no alert id): "sent", "failed" (refused for good, 5xx) or "pending" (next tick).</summary>
    internal async Task<(string Status, string? Failure)> TrySendAsync(Func<Task<SmtpClient>> connect, MimeMessage message, long? alertId, CancellationToken cancellationToken)
    {
        try
        {
            var smtp = await connect();
            // Connected and logged in: ends a refused-login or outage state, whichever job noticed it.
            outages.Reachable(Operations.Outages.Smtp, smtpOptions.Value.Endpoint);
            await smtp.SendAsync(message, cancellationToken);
            if (alertId is { } sentId) Log.AlertSent(logger, sentId);
            return ("sent", null);
        }
        catch (Exception e) when (MailFailure.Of(e) is { Permanent: true } refused)
        {
            // Refused for good: the alert stays open and visible to admins with the reason.
            Log.AlertRefused(logger, alertId ?? 0, refused.StatusCode ?? 0);
            return ("failed", refused.Reason);
        }
        catch (Exception e) when (MailFailure.Of(e) is not null || e is OperationCanceledException)
        {
            // A refused login is the clinic's configuration, not the alert's fault: it stays pending, never "failed",
            // and the operator is told once what to fix (as dispatch does), not once per tick.
            if (MailFailure.Of(e)?.Kind == MailFailureKind.LoginRefused)
                outages.Unreachable(Operations.Outages.Smtp, smtpOptions.Value.Endpoint, e);
            else
                Log.AlertDeferred(logger, alertId ?? 0, e);
            if (e is OperationCanceledException) throw;
            return ("pending", $"will retry: {e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<AlertToSend?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AlertToSend>(new CommandDefinition(Claim, new { lease = ClaimLease }, cancellationToken: cancellationToken));
    }

    private async Task<AlertToSend?> ClaimPatientNoticeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AlertToSend>(new CommandDefinition(ClaimNotice, new { lease = ClaimLease }, cancellationToken: cancellationToken));
    }

    private async Task FinishAsync(AlertToSend alert, string status, string? failure, string? messageId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Finish,
            new { id = alert.Id, status, failure, messageId, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        if (status != "pending")
            await AuditTrail.WriteAsync(connection, transaction, now, "alerts", status == "sent" ? "alert_sent" : "alert_send_failed", alert.CourseId, null, alert.Id,
                new { alert.Kind, alert.Severity, to = "therapist", failure }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task FinishPatientNoticeAsync(AlertToSend alert, string status, string? failure, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(FinishNotice, new { id = alert.Id, status, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        if (status != "pending")
            await AuditTrail.WriteAsync(connection, transaction, now, "alerts", status == "sent" ? "crisis_contacts_sent" : "crisis_contacts_failed", alert.CourseId, null, alert.Id,
                new { to = "patient", failure }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    internal const string AlertColumns = """
        a.id, a.course_id, a.kind, a.severity, a.reason, a.raised_at, p.name AS patient_name, p.email AS patient_email, p.language AS patient_language,
        t.email AS therapist_email, t.name AS therapist_name, c.started_on, c.ended_on, c.pain_at_start, c.pain_at_end
        """;

    // The oldest alert email that may be claimed (given which alerts, as a condition) and its claim: retries are spaced
    // by the poll interval; a claim left by a dead worker is taken over after the lease. Shared with CrisisWithoutCourse.
    internal const string ClaimNextWhere = """
        WITH next AS (
            SELECT id FROM alerts
            WHERE ((notify_status = 'pending' AND (notify_claimed_at IS NULL OR notify_claimed_at < now() - interval '1 minute'))
                OR (notify_status = 'sending' AND notify_claimed_at < now() - @lease))
              AND
        """;

    internal const string ClaimIt = """
            ORDER BY raised_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
        UPDATE alerts a
        SET notify_status = 'sending', notify_claimed_at = now(), notify_attempts = a.notify_attempts + 1
        """;

    private const string Claim = $"""
        {ClaimNextWhere} course_id IS NOT NULL
        {ClaimIt}
        FROM next, courses c, patients p, therapists t
        WHERE a.id = next.id AND c.id = a.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
        RETURNING {AlertColumns}
        """;

    // Claimed like the alerts: a notice left 'sending' by a dead worker is taken over after the lease, so a crash
    // can at worst send the crisis contacts twice, never not at all.
    private const string ClaimNotice = $"""
        WITH next AS (
            SELECT id FROM alerts
            WHERE patient_notice_status = 'pending'
               OR (patient_notice_status = 'sending' AND patient_notice_claimed_at < now() - @lease)
            ORDER BY raised_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        UPDATE alerts a SET patient_notice_status = 'sending', patient_notice_claimed_at = now()
        FROM next, courses c, patients p, therapists t
        WHERE a.id = next.id AND c.id = a.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
        RETURNING {AlertColumns}
        """;

    private const string Finish = """
        UPDATE alerts
        -- An alert that became more severe while its email was on the way is 'pending' again: it must stay so, or the
        -- therapist would never hear of the new severity.
        SET notify_status = CASE WHEN notify_status = 'sending' THEN @status ELSE notify_status END, notify_failure = @failure,
            message_id = COALESCE(@messageId, message_id),
            notified_at = CASE WHEN @status = 'sent' THEN @now ELSE notified_at END
        WHERE id = @id
        """;

    private const string FinishNotice = """
        UPDATE alerts SET patient_notice_status = @status,
            patient_notified_at = CASE WHEN @status = 'sent' THEN @now ELSE patient_notified_at END
        WHERE id = @id
        """;
}
