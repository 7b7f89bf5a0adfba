using Dapper;
using FollowUp.Alerts;
using FollowUp.Mail;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.CheckIns;

/// <summary>What one dispatch run did.</summary>
public sealed record DispatchResult(int Sent, int Failed, int Retrying);

/// <summary>
/// Sends the check-ins that are due: claim a batch (FOR UPDATE SKIP LOCKED, so any number of workers can drain the
/// same queue), send each over one reused SMTP connection, record the outcome. Every failure keeps its reason.
/// </summary>
public sealed class CheckInDispatch(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<ClinicOptions> clinicOptions,
    IOptions<DispatchOptions> dispatchOptions,
    ReplyToken tokens,
    ILogger<CheckInDispatch> logger)
{
    private readonly string _worker = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public async Task<DispatchResult> SendDueAsync(CancellationToken cancellationToken)
    {
        var options = dispatchOptions.Value;
        int sent = 0, failed = 0, retrying = 0;
        SmtpClient? smtp = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await ClaimAsync(options, cancellationToken);
                if (batch.Count == 0) break;
                var pending = new Queue<CheckInToSend>(batch);
                try
                {
                    smtp ??= await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken);
                    while (pending.TryPeek(out var checkIn))
                    {
                        var outcome = await SendOneAsync(smtp, checkIn, options, cancellationToken);
                        pending.Dequeue();
                        switch (outcome)
                        {
                            case Outcome.Sent: sent++; break;
                            case Outcome.Failed: failed++; break;
                            default: retrying++; break;
                        }
                    }
                }
                catch (Exception e) when (e is IOException or ProtocolException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    // The connection (or the run) is gone: what was claimed and not sent goes back to the queue now
                    // rather than waiting out the lease. The current message may or may not have been accepted.
                    var reason = $"SMTP connection failed: {e.GetType().Name}: {e.Message}";
                    await RetryLaterAsync(pending.Select(c => c.Id).ToArray(), reason, options, CancellationToken.None);
                    retrying += pending.Count;
                    Log.SmtpUnavailable(logger, pending.Count, e);
                    if (e is OperationCanceledException) throw;
                    break;
                }
                if (batch.Count < options.BatchSize) break;
            }
        }
        finally
        {
            if (smtp is not null) await MailConnections.CloseAsync(smtp);
        }
        if (sent + failed + retrying > 0) Log.Dispatched(logger, sent, failed, retrying);
        return new DispatchResult(sent, failed, retrying);
    }

    private enum Outcome { Sent, Failed, Retrying }

    private async Task<Outcome> SendOneAsync(SmtpClient smtp, CheckInToSend checkIn, DispatchOptions options, CancellationToken cancellationToken)
    {
        var message = CheckInEmail.Build(checkIn, clinicOptions.Value, tokens, clock.GetUtcNow());
        try
        {
            // Envelope sender = the check-in's own reply address (VERP): delivery reports come back to the replies
            // mailbox, where the inbox reads them, already carrying the token of the check-in they are about.
            await smtp.SendAsync(message, message.ReplyTo.Mailboxes.First(), message.To.Mailboxes, cancellationToken);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            // A permanent refusal (RFC 5321 5yz): sending again will not help. The reason is kept for the admin.
            var reason = $"refused by the SMTP server: {(int)e.StatusCode} {e.Message}";
            await MarkFailedAsync(checkIn, reason, e.ErrorCode == SmtpErrorCode.RecipientNotAccepted, cancellationToken);
            Log.CheckInRefused(logger, checkIn.Id, (int)e.StatusCode);
            return Outcome.Failed;
        }
        catch (SmtpCommandException e)
        {
            // 4yz: the server asks us to try again later.
            await RetryLaterAsync([checkIn.Id], $"temporarily refused: {(int)e.StatusCode} {e.Message}", options, cancellationToken);
            return Outcome.Retrying;
        }
        var recorded = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (recorded)
        {
            var rows = await recorded.ExecuteAsync(new CommandDefinition(MarkSent,
                new { id = checkIn.Id, worker = _worker, now = clock.GetUtcNow().UtcDateTime, messageId = message.MessageId },
                cancellationToken: CancellationToken.None));
            if (rows == 0) Log.ClaimLost(logger, checkIn.Id);
        }
        Log.CheckInSent(logger, checkIn.Id, checkIn.Sequence);
        return Outcome.Sent;
    }

    private async Task<IReadOnlyList<CheckInToSend>> ClaimAsync(DispatchOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CheckInToSend>(new CommandDefinition(Claim,
            new { now = clock.GetUtcNow().UtcDateTime, batchSize = options.BatchSize, worker = _worker, lease = options.ClaimLease },
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    private async Task RetryLaterAsync(long[] ids, string reason, DispatchOptions options, CancellationToken cancellationToken)
    {
        if (ids.Length == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Retry,
            new { ids, reason, worker = _worker, now = clock.GetUtcNow().UtcDateTime, maxAttempts = options.MaxAttempts },
            cancellationToken: cancellationToken));
    }

    private async Task MarkFailedAsync(CheckInToSend checkIn, string reason, bool addressRefused, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(MarkFailed, new { id = checkIn.Id, reason, worker = _worker }, transaction, cancellationToken: cancellationToken));
        // The recipient itself was refused: stop writing to that address and tell the therapist.
        if (addressRefused) await Unreachable.MarkAsync(connection, transaction, checkIn.PatientId, reason, clock.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    // Due check-ins of active courses, plus claims whose worker died (lease over, measured on the database clock
    // because it is about processes, not about the clinic's calendar). The claim commits at once; sending happens
    // outside any transaction.
    private const string Claim = """
        WITH due AS (
            SELECT ci.id
            FROM check_ins ci
            JOIN courses c ON c.id = ci.course_id
            JOIN patients p ON p.id = c.patient_id
            WHERE c.status = 'active' AND p.opted_out_at IS NULL AND p.undeliverable_at IS NULL
              AND ((ci.status = 'planned' AND ci.due_at <= @now)
                OR (ci.status = 'sending' AND ci.claimed_at < now() - @lease))
            ORDER BY ci.due_at
            LIMIT @batchSize
            FOR UPDATE OF ci SKIP LOCKED)
        UPDATE check_ins ci
        SET status = 'sending', claimed_by = @worker, claimed_at = now(), attempts = ci.attempts + 1
        FROM due, courses c, patients p, therapists t
        WHERE ci.id = due.id AND c.id = ci.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
        RETURNING ci.id, ci.sequence, ci.offset_days, p.id AS patient_id, p.name AS patient_name, p.email AS patient_email,
                  t.name AS therapist_name
        """;

    private const string MarkSent = """
        UPDATE check_ins
        SET status = 'sent', sent_at = @now, message_id = @messageId, failure = NULL, claimed_by = NULL
        WHERE id = @id AND status = 'sending' AND claimed_by = @worker
        """;

    private const string MarkFailed = """
        UPDATE check_ins
        SET status = 'failed', failure = @reason, claimed_by = NULL
        WHERE id = @id AND status = 'sending' AND claimed_by = @worker
        """;

    // Back off exponentially (1, 2, 4 … minutes, at most an hour) until MaxAttempts, then fail with the reason.
    private const string Retry = """
        UPDATE check_ins
        SET status = CASE WHEN attempts >= @maxAttempts THEN 'failed' ELSE 'planned' END,
            due_at = CASE WHEN attempts >= @maxAttempts THEN due_at
                          ELSE @now + least(interval '1 hour', interval '1 minute' * power(2, attempts - 1)) END,
            failure = @reason, claimed_by = NULL
        WHERE id = ANY(@ids) AND status = 'sending' AND claimed_by = @worker
        """;
}
