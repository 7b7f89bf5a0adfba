using Dapper;
using FollowUp.Mail;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Alerts;

/// <summary>Emails each new (or newly high) alert to the treating therapist, once.</summary>
public sealed class AlertNotifier(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<ClinicOptions> clinicOptions,
    ILogger<AlertNotifier> logger)
{
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);

    public async Task<int> NotifyAsync(CancellationToken cancellationToken)
    {
        var notified = 0;
        SmtpClient? smtp = null;
        try
        {
            while (await ClaimAsync(cancellationToken) is { } alert)
            {
                try
                {
                    var followUps = await TrajectoryAsync(alert.CourseId, cancellationToken);
                    var message = AlertEmail.Build(alert, followUps, clinicOptions.Value, clock.GetUtcNow());
                    smtp ??= await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken);
                    await smtp.SendAsync(message, cancellationToken);
                    await FinishAsync(alert.Id, "sent", null, message.MessageId, CancellationToken.None);
                    Log.AlertSent(logger, alert.Id);
                    notified++;
                }
                catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
                {
                    // The therapist's address is refused: the alert stays open and visible to admins with the reason.
                    await FinishAsync(alert.Id, "failed", $"refused by the SMTP server: {(int)e.StatusCode} {e.Message}", null, CancellationToken.None);
                    Log.AlertRefused(logger, alert.Id, (int)e.StatusCode);
                }
                catch (Exception e) when (e is SmtpCommandException or IOException or ProtocolException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    await FinishAsync(alert.Id, "pending", $"will retry: {e.GetType().Name}: {e.Message}", null, CancellationToken.None);
                    Log.AlertDeferred(logger, alert.Id, e);
                    if (e is OperationCanceledException) throw;
                    break;
                }
            }
        }
        finally
        {
            if (smtp is not null) await MailConnections.CloseAsync(smtp);
        }
        return notified;
    }

    private async Task<AlertToSend?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AlertToSend>(new CommandDefinition(Claim, new { lease = ClaimLease }, cancellationToken: cancellationToken));
    }

    private async Task<IReadOnlyList<TrajectoryPoint>> TrajectoryAsync(long courseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TrajectoryRow>(new CommandDefinition(Trajectory, new { courseId }, cancellationToken: cancellationToken));
        return rows.Select(r => new TrajectoryPoint(
            LateWorseningRule.When(r.OffsetDays).Replace("week", "Week", StringComparison.Ordinal).Replace("day", "Day", StringComparison.Ordinal),
            DateOnly.FromDateTime(r.DueAt), r.Pain, r.MoodWord ?? (r.MoodScore is { } m ? $"{m}/10" : null))).ToList();
    }

    private async Task FinishAsync(long id, string status, string? failure, string? messageId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Finish,
            new { id, status, failure, messageId, now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }

    private sealed class TrajectoryRow
    {
        public int OffsetDays { get; init; }
        public DateTime DueAt { get; init; }
        public int? Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
    }

    // Retries are spaced by the poll interval; a claim left by a dead worker is taken over after the lease.
    private const string Claim = """
        WITH next AS (
            SELECT id FROM alerts
            WHERE (notify_status = 'pending' AND (notify_claimed_at IS NULL OR notify_claimed_at < now() - interval '1 minute'))
               OR (notify_status = 'sending' AND notify_claimed_at < now() - @lease)
            ORDER BY raised_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
        UPDATE alerts a
        SET notify_status = 'sending', notify_claimed_at = now(), notify_attempts = a.notify_attempts + 1
        FROM next, courses c, patients p, therapists t
        WHERE a.id = next.id AND c.id = a.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
        RETURNING a.id, a.course_id, a.kind, a.severity, a.reason, p.name AS patient_name, p.email AS patient_email,
                  t.email AS therapist_email, t.name AS therapist_name, c.started_on, c.ended_on, c.pain_at_start, c.pain_at_end
        """;

    private const string Finish = """
        UPDATE alerts
        SET notify_status = @status, notify_failure = @failure,
            message_id = COALESCE(@messageId, message_id),
            notified_at = CASE WHEN @status = 'sent' THEN @now ELSE notified_at END
        WHERE id = @id
        """;

    private const string Trajectory = """
        SELECT ci.offset_days, ci.due_at, r.pain, r.mood_score, r.mood_word
        FROM check_ins ci
        LEFT JOIN LATERAL (
            SELECT pain, mood_score, mood_word FROM replies WHERE check_in_id = ci.id ORDER BY received_at DESC, id DESC LIMIT 1) r ON true
        WHERE ci.course_id = @courseId AND ci.status IN ('sent', 'answered', 'failed')
        ORDER BY ci.sequence
        """;
}
