using System.Data.Common;
using Dapper;
using FollowUp.Alerts;
using FollowUp.Audit;
using FollowUp.Mail;
using FollowUp.Schedules;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.CheckIns;

/// <summary>What one dispatch run did.</summary>
public sealed record DispatchResult(int Sent, int Failed, int Retrying, int Cancelled = 0, int Deferred = 0)
{
    internal DispatchResult Add(DispatchResult o) =>
        new(Sent + o.Sent, Failed + o.Failed, Retrying + o.Retrying, Cancelled + o.Cancelled, Deferred + o.Deferred);
}

/// <summary>
/// Sends the check-ins and reminders that are due. Each lane claims a batch (FOR UPDATE SKIP LOCKED, so any number of
/// lanes and workers drain the same queue), re-checks each row just before sending (course, opt-out, address,
/// answer, expiry, the patient's window), renders it from the schedule's current templates, sends it over the lane's
/// one reused SMTP connection and records the outcome. Every failure and cancellation keeps its reason.
/// </summary>
public sealed class CheckInDispatch(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<ClinicOptions> clinicOptions,
    IOptions<DispatchOptions> dispatchOptions,
    ReplyToken tokens,
    ILogger<CheckInDispatch> logger,
    Operations.Outages outages)
{
    private const string Actor = "dispatch";
    private readonly string _worker = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    private readonly Lazy<MimeKit.Cryptography.DkimSigner?> _dkim = new(() => CheckInDkim.Create(dispatchOptions.Value));

    // What a run could not settle because the database went away mid-run (a restart, a failover): messages the SMTP
    // server accepted but that are not recorded yet, and claims not sent. Settled first thing when the database answers
    // again, instead of the claims waiting out ClaimLease (10 min) and the accepted messages going out a second time.
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Lane, CheckInToSend Item, Schedule Schedule, string MessageId)> _unrecorded = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Lane, bool Reminder, long Id)> _stranded = new();

    public async Task<DispatchResult> SendDueAsync(CancellationToken cancellationToken)
    {
        var options = dispatchOptions.Value;
        await SettleStrandedAsync(cancellationToken);
        var lanes = await Task.WhenAll(Enumerable.Range(1, options.Lanes).Select(lane => RunLaneAsync($"{_worker}/{lane}", options, cancellationToken)));
        var result = lanes.Aggregate(new DispatchResult(0, 0, 0), (a, b) => a.Add(b));
        if (result.Sent + result.Failed + result.Retrying > 0) Log.Dispatched(logger, result.Sent, result.Failed, result.Retrying);
        Operations.FollowUpMetrics.Dispatched(result.Sent, result.Failed, result.Retrying);
        return result;
    }

    private enum Outcome { Sent, Failed, Retrying, Cancelled, Deferred, Lost }

    private async Task<DispatchResult> RunLaneAsync(string lane, DispatchOptions options, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<Outcome, int>();
        SmtpClient? smtp = null;
        // Schedules are read afresh each run, so an admin's edit reaches check-ins already queued.
        var schedules = new Dictionary<long, Schedule>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await ClaimAsync(lane, options, cancellationToken);
                if (batch.Count == 0) break;
                var pending = new Queue<CheckInToSend>(batch);
                // While a message is sent and recorded, the next one is checked and rendered. Each is recorded before
                // the next is sent, so at most one sent message of the lane is unrecorded at any moment: the one
                // duplicate a crash can cause per lane (docs/reliability.md).
                Task<Prepared>? preparing = null;
                try
                {
                    while (pending.TryPeek(out var item))
                    {
                        var prepared = await (preparing ?? PrepareAsync(lane, item, schedules, options, cancellationToken));
                        preparing = pending.Count > 1 && prepared.Message is not null
                            ? PrepareAsync(lane, pending.ElementAt(1), schedules, options, cancellationToken)
                            : null;
                        var outcome = prepared.Message is null
                            ? prepared.Outcome
                            : await SendAsync(lane, async () => smtp ??= await ConnectAsync(cancellationToken), item, prepared, options, cancellationToken);
                        pending.Dequeue();
                        counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                    }
                }
                catch (Exception e) when (Operations.Outages.IsDatabaseOutage(e))
                {
                    // Settled by the next run once the database answers (SettleStrandedAsync); the job logs the outage.
                    foreach (var item in pending) _stranded.Enqueue((lane, item.IsReminder, item.Id));
                    throw;
                }
                catch (Exception e) when (e is IOException or ProtocolException or System.Net.Sockets.SocketException or OperationCanceledException
                                          || Operations.Outages.IsLoginFailure(e))
                {
                    // The connection (or the run) is gone, or the server refused our login or TLS: what was claimed and
                    // not sent goes back to the queue rather than waiting out the lease; the next run reconnects. The
                    // current message may or may not have been accepted (docs/reliability.md, "No check-in lost, none sent twice").
                    var reason = Operations.Outages.IsLoginFailure(e)
                        ? $"SMTP login refused: {e.GetType().Name}: {e.Message}"
                        : $"SMTP connection failed: {e.GetType().Name}: {e.Message}";
                    // Only a message whose send was under way on a live connection may be at fault (it is charged an
                    // attempt and backs off). The rest were never tried: with the server down (no connection this run)
                    // or the run stopping, they go back as they were, still due and with no attempt counted, so an
                    // outage of any length (or a wrong password for a weekend) neither fails them (MaxAttempts) nor
                    // delays them by backoff once it is over. A refused login happens on connecting: smtp is null.
                    var charged = smtp is null || e is OperationCanceledException ? [] : pending.Take(1).ToArray();
                    foreach (var group in charged.GroupBy(p => p.IsReminder))
                        await RetryLaterAsync(lane, Table(group.Key), group.Select(c => c.Id).ToArray(), reason, options, CancellationToken.None);
                    foreach (var group in pending.Skip(charged.Length).GroupBy(p => p.IsReminder))
                        await ReleaseAsync(lane, Table(group.Key), group.Select(c => c.Id).ToArray(), reason, CancellationToken.None);
                    counts[Outcome.Retrying] = counts.GetValueOrDefault(Outcome.Retrying) + pending.Count;
                    if (smtp is null && e is not OperationCanceledException)
                        outages.Unreachable(Operations.Outages.Smtp, smtpOptions.Value.Endpoint, e);
                    else
                        Log.SmtpUnavailable(logger, pending.Count, e);
                    if (smtp is not null) await MailConnections.CloseAsync(smtp);
                    smtp = null;
                    if (e is OperationCanceledException) throw;
                    break;
                }
                finally
                {
                    // A check of the next message still under way when the send failed: its claim is handled with the
                    // rest of the batch above, whatever the check did (it only acts while the claim holds).
                    if (preparing is not null)
                    {
                        await Task.WhenAny(preparing);
                        _ = preparing.Exception;
                    }
                }
            }
        }
        finally
        {
            if (smtp is not null) await MailConnections.CloseAsync(smtp);
        }
        return new DispatchResult(counts.GetValueOrDefault(Outcome.Sent), counts.GetValueOrDefault(Outcome.Failed),
            counts.GetValueOrDefault(Outcome.Retrying), counts.GetValueOrDefault(Outcome.Cancelled), counts.GetValueOrDefault(Outcome.Deferred));
    }

    /// <summary>A claimed message checked and rendered, ready to send; or, with no message, why it is not sent.</summary>
    private sealed record Prepared(Outcome Outcome, MimeKit.MimeMessage? Message, Schedule? Schedule);

    /// <summary>
    /// The fresh check just before a send (opted out, answered, expired, suppressed a second ago?), the send window,
    /// and the rendering. The schedules cache is only touched here, one check at a time per lane.
    /// </summary>
    private async Task<Prepared> PrepareAsync(string lane, CheckInToSend item, Dictionary<long, Schedule> schedules,
        DispatchOptions options, CancellationToken cancellationToken)
    {
        var table = Table(item.IsReminder);
        var now = clock.GetUtcNow();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            var state = await connection.QuerySingleAsync<SendState>(new CommandDefinition(SelectState,
                new { checkInId = item.CheckInId, id = item.Id, worker = lane, reminder = item.IsReminder }, cancellationToken: cancellationToken));
            switch (Eligibility.Decide(item.IsReminder, state, item.ExpiresAt, now.UtcDateTime))
            {
                case (Eligibility.Action.Lost, _):
                    Log.ClaimLost(logger, item.Id);
                    return new Prepared(Outcome.Lost, null, null);
                case (Eligibility.Action.Release, _):
                    await connection.ExecuteAsync(new CommandDefinition(Reschedule(table), new { id = item.Id, worker = lane, dueAt = now.UtcDateTime }, cancellationToken: cancellationToken));
                    return new Prepared(Outcome.Deferred, null, null);
                case (Eligibility.Action.Cancel, var reason):
                    await CancelAsync(connection, table, item, reason!, lane, now, cancellationToken);
                    return new Prepared(Outcome.Cancelled, null, null);
            }
            if (!schedules.TryGetValue(item.ScheduleId, out var schedule))
                schedules[item.ScheduleId] = schedule = await ScheduleStore.ByIdAsync(connection, null, item.ScheduleId, cancellationToken);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(item.TimeZone);
            var opening = SendWindow.NextOpening(now, schedule, zone);
            if (opening > now)
            {
                // Late (a retry, a backlog, a worker that was down): wait for the patient's next window, never a night send.
                await connection.ExecuteAsync(new CommandDefinition(Reschedule(table), new { id = item.Id, worker = lane, dueAt = opening.UtcDateTime }, cancellationToken: cancellationToken));
                return new Prepared(Outcome.Deferred, null, null);
            }
        }

        var message = CheckInEmail.Build(item, schedules[item.ScheduleId], clinicOptions.Value, tokens, now, options.UnsubscribeUrl);
        if (_dkim.Value is { } signer) CheckInDkim.Sign(signer, message);
        return new Prepared(Outcome.Sent, message, schedules[item.ScheduleId]);
    }

    private async Task<Outcome> SendAsync(string lane, Func<Task<SmtpClient>> connect, CheckInToSend item,
        Prepared prepared, DispatchOptions options, CancellationToken cancellationToken)
    {
        var table = Table(item.IsReminder);
        var message = prepared.Message!;
        try
        {
            var smtp = await connect();
            // Envelope sender = the check-in's own reply address (VERP): delivery reports come back to the replies
            // mailbox, where the inbox reads them, already carrying the token of the check-in they are about.
            await smtp.SendAsync(message, message.ReplyTo.Mailboxes.First(), message.To.Mailboxes, cancellationToken);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            // A permanent refusal (RFC 5321 5yz): sending again will not help. The reason is kept for the admin.
            var reason = $"refused by the SMTP server: {(int)e.StatusCode} {e.Message}";
            await MarkFailedAsync(lane, table, item, reason, e.ErrorCode == SmtpErrorCode.RecipientNotAccepted, cancellationToken);
            Log.CheckInRefused(logger, item.Id, (int)e.StatusCode);
            return Outcome.Failed;
        }
        catch (SmtpCommandException e)
        {
            // 4yz: the server asks us to try again later.
            await RetryLaterAsync(lane, table, [item.Id], $"temporarily refused: {(int)e.StatusCode} {e.Message}", options, cancellationToken);
            return Outcome.Retrying;
        }
        await RecordSentAsync(lane, table, item, prepared.Schedule!, message.MessageId!);
        return Outcome.Sent;
    }

    /// <summary>
    /// Records a message the SMTP server accepted. If the database is gone meanwhile, the send is kept to be recorded
    /// first thing on its return (SettleStrandedAsync), so the message is not claimed and sent again.
    /// </summary>
    private async Task RecordSentAsync(string lane, string table, CheckInToSend item, Schedule schedule, string messageId)
    {
        try
        {
            await MarkSentAsync(lane, table, item, schedule, messageId, CancellationToken.None);
        }
        catch (Exception e) when (Operations.Outages.IsDatabaseOutage(e))
        {
            _unrecorded.Enqueue((lane, item, schedule, messageId));
            throw;
        }
    }

    /// <summary>Records a sent message: its status, its reminders (for a check-in) and the audit row, in one statement.</summary>
    private async Task MarkSentAsync(string lane, string table, CheckInToSend item, Schedule schedule, string messageId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reminders = Array.Empty<DateTimeOffset>();
        if (!item.IsReminder)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(item.TimeZone);
            var expires = item.ExpiresAt is { } e ? new DateTimeOffset(e, TimeSpan.Zero) : now.AddDays(Schedule.MaxOffsetDays);
            reminders = [.. CheckInPlanner.Reminders(now, expires, zone, schedule)];
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.ExecuteScalarAsync<long>(new CommandDefinition(MarkSent(table), new
        {
            id = item.Id,
            worker = lane,
            now = now.UtcDateTime,
            messageId,
            checkInId = item.CheckInId,
            numbers = reminders.Select((_, i) => (short)(i + 1)).ToArray(),
            dues = reminders.Select(r => r.UtcDateTime).ToArray(),
            actor = Actor,
            kind = item.IsReminder ? "reminder_sent" : "check_in_sent",
            courseId = item.CourseId,
            patientId = item.PatientId,
            detail = System.Text.Json.JsonSerializer.Serialize(new { messageId, reminder = item.ReminderNumber }),
        }, cancellationToken: cancellationToken));
        if (rows == 0) Log.ClaimLost(logger, item.Id);
        else Log.CheckInSent(logger, item.Id, item.Sequence);
    }

    private static async Task CancelAsync(DbConnection connection, string table, CheckInToSend item, string reason, string lane, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(Cancel(table), new { id = item.Id, worker = lane, reason }, transaction, cancellationToken: cancellationToken));
        if (rows > 0)
            await AuditTrail.WriteAsync(connection, transaction, now, Actor, item.IsReminder ? "reminder_cancelled" : "check_in_cancelled",
                item.CourseId, item.PatientId, item.CheckInId, new { reason, reminder = item.ReminderNumber }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<CheckInToSend>> ClaimAsync(string lane, DispatchOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var limit = options.BatchSize;
        if (options.RatePerMinute > 0)
        {
            // One claimer at a time counts and claims, on every worker, so the cap holds for the clinic as a whole.
            await connection.ExecuteAsync(new CommandDefinition(LockRate, transaction: transaction, cancellationToken: cancellationToken));
            var used = await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountRecent, new { now }, transaction, cancellationToken: cancellationToken));
            limit = Math.Min(limit, options.RatePerMinute - used);
            if (limit <= 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return [];
            }
        }
        var args = new { now, limit, worker = lane, lease = options.ClaimLease };
        var claimed = (await connection.QueryAsync<CheckInToSend>(new CommandDefinition(ClaimCheckIns, args, transaction, cancellationToken: cancellationToken))).ToList();
        if (claimed.Count < limit)
            claimed.AddRange(await connection.QueryAsync<CheckInToSend>(new CommandDefinition(ClaimReminders,
                args with { limit = limit - claimed.Count }, transaction, cancellationToken: cancellationToken)));
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>Records what was sent and hands back what was claimed before the database went away (see the queues).</summary>
    private async Task SettleStrandedAsync(CancellationToken cancellationToken)
    {
        while (_unrecorded.TryPeek(out var u))
        {
            await MarkSentAsync(u.Lane, Table(u.Item.IsReminder), u.Item, u.Schedule, u.MessageId, cancellationToken);
            _unrecorded.TryDequeue(out _);
        }
        // A claim recorded as sent just above is no longer 'sending', so releasing it again changes nothing.
        while (_stranded.TryPeek(out var c))
        {
            await ReleaseAsync(c.Lane, Table(c.Reminder), [c.Id], "database unreachable during the send", cancellationToken);
            _stranded.TryDequeue(out _);
        }
    }

    /// <summary>Connects the lane's SMTP client; a connection that works ends an outage in the log.</summary>
    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken);
        outages.Reachable(Operations.Outages.Smtp, smtpOptions.Value.Endpoint);
        return client;
    }

    private async Task ReleaseAsync(string lane, string table, long[] ids, string reason, CancellationToken cancellationToken)
    {
        if (ids.Length == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Release(table), new { ids, reason, worker = lane }, cancellationToken: cancellationToken));
    }

    private async Task RetryLaterAsync(string lane, string table, long[] ids, string reason, DispatchOptions options, CancellationToken cancellationToken)
    {
        if (ids.Length == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Retry(table),
            new { ids, reason, worker = lane, now = clock.GetUtcNow().UtcDateTime, maxAttempts = options.MaxAttempts },
            cancellationToken: cancellationToken));
    }

    private async Task MarkFailedAsync(string lane, string table, CheckInToSend item, string reason, bool addressRefused, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(MarkFailed(table), new { id = item.Id, reason, worker = lane }, transaction, cancellationToken: cancellationToken));
        // The recipient itself was refused: stop writing to that address and tell the therapist.
        if (addressRefused) await Unreachable.MarkAsync(connection, transaction, item.PatientId, reason, now, cancellationToken);
        await AuditTrail.WriteAsync(connection, transaction, now, Actor, item.IsReminder ? "reminder_failed" : "check_in_failed",
            item.CourseId, item.PatientId, item.CheckInId, new { reason, reminder = item.ReminderNumber }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string Table(bool reminder) => reminder ? "reminders" : "check_ins";

    // Due rows of courses that are not paused (withdrawn courses and stopped patients are claimed too, so that their
    // rows are cancelled with a reason instead of lingering), plus claims whose worker died (lease over, measured on
    // the database clock because it is about processes, not about the clinic's calendar). The claim commits at once;
    // sending happens outside any transaction.
    private const string Returning = """
        c.id AS course_id, c.schedule_id, p.id AS patient_id, p.name AS patient_name, p.email AS patient_email,
        p.time_zone, t.name AS therapist_name, ci.sequence, ci.offset_days, ci.asks_phq2, ci.asks_mood, ci.expires_at
        """;

    private const string ClaimCheckIns = $"""
        WITH due AS (
            SELECT ci.id
            FROM check_ins ci JOIN courses c ON c.id = ci.course_id
            WHERE c.status <> 'paused'
              AND ((ci.status = 'planned' AND ci.due_at <= @now)
                OR (ci.status = 'sending' AND ci.claimed_at < now() - @lease))
            ORDER BY ci.due_at
            LIMIT @limit
            FOR UPDATE OF ci SKIP LOCKED)
        UPDATE check_ins ci
        SET status = 'sending', claimed_by = @worker, claimed_at = now(), attempts = ci.attempts + 1
        FROM due, courses c, patients p, therapists t
        WHERE ci.id = due.id AND c.id = ci.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
        RETURNING ci.id, ci.id AS check_in_id, 0 AS reminder_number, {Returning}
        """;

    private const string ClaimReminders = $"""
        WITH due AS (
            SELECT r.id
            FROM reminders r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses c ON c.id = ci.course_id
            WHERE c.status <> 'paused'
              -- The patient's mail system said they are away: the reminder waits (it may then expire unsent).
              AND ((r.status = 'planned' AND r.due_at <= @now AND (ci.out_of_office_until IS NULL OR ci.out_of_office_until <= @now))
                OR (r.status = 'sending' AND r.claimed_at < now() - @lease))
            ORDER BY r.due_at
            LIMIT @limit
            FOR UPDATE OF r SKIP LOCKED)
        UPDATE reminders r
        SET status = 'sending', claimed_by = @worker, claimed_at = now(), attempts = r.attempts + 1
        FROM due, check_ins ci, courses c, patients p, therapists t
        WHERE r.id = due.id AND ci.id = r.check_in_id AND c.id = ci.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
        RETURNING r.id, ci.id AS check_in_id, r.number AS reminder_number, {Returning}
        """;

    // Any 64-bit constant unique to this lock; a transaction-level lock ends with the claim's transaction.
    private const string LockRate = "SELECT pg_advisory_xact_lock(4004004004)";

    private const string CountRecent = """
        SELECT (SELECT count(*) FROM check_ins WHERE (sent_at > @now - interval '1 minute') OR status = 'sending')
             + (SELECT count(*) FROM reminders WHERE (sent_at > @now - interval '1 minute') OR status = 'sending')
        """;

    // The row's claim and everything that decides whether it may still go, read fresh just before sending.
    private const string SelectState = """
        SELECT c.status AS course_status, p.opted_out_at IS NOT NULL AS opted_out, p.undeliverable_at IS NOT NULL AS undeliverable,
               ci.status AS check_in_status,
               CASE WHEN @reminder THEN (SELECT r.status = 'sending' AND r.claimed_by = @worker FROM reminders r WHERE r.id = @id)
                    ELSE ci.status = 'sending' AND ci.claimed_by = @worker END AS still_mine
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.id = @checkInId
        """;

    // One statement, so atomic: the row is sent (only while this lane's claim holds), a check-in's reminders are
    // planned, and the send is audited; nothing of it when the claim was lost.
    private static string MarkSent(string table) => $"""
        WITH sent AS (
            UPDATE {table}
            SET status = 'sent', sent_at = @now, message_id = @messageId, failure = NULL, claimed_by = NULL
            WHERE id = @id AND status = 'sending' AND claimed_by = @worker
            RETURNING id),
        planned AS (
            INSERT INTO reminders (check_in_id, number, due_at)
            SELECT @checkInId, n, d FROM unnest(@numbers, @dues) AS t (n, d) WHERE EXISTS (SELECT 1 FROM sent)
            ON CONFLICT (check_in_id, number) DO NOTHING),
        audited AS (
            INSERT INTO audit_log (at, actor, kind, course_id, patient_id, subject_id, detail)
            SELECT @now, @actor, @kind, @courseId, @patientId, @checkInId, @detail::jsonb FROM sent)
        SELECT count(*) FROM sent
        """;

    private static string MarkFailed(string table) => $"""
        UPDATE {table}
        SET status = 'failed', failure = @reason, claimed_by = NULL
        WHERE id = @id AND status = 'sending' AND claimed_by = @worker
        """;

    private static string Cancel(string table) => $"""
        UPDATE {table}
        SET status = 'cancelled', failure = @reason, claimed_by = NULL
        WHERE id = @id AND status = 'sending' AND claimed_by = @worker
        """;

    // Back to the queue for a later instant; the claim did not count as an attempt.
    private static string Reschedule(string table) => $"""
        UPDATE {table}
        SET status = 'planned', due_at = @dueAt, attempts = attempts - 1, claimed_by = NULL
        WHERE id = @id AND status = 'sending' AND claimed_by = @worker
        """;

    // Back to the queue untried: still due, the claim not counted as an attempt, the reason kept for the admin.
    private static string Release(string table) => $"""
        UPDATE {table}
        SET status = 'planned', attempts = attempts - 1, failure = @reason, claimed_by = NULL
        WHERE id = ANY(@ids) AND status = 'sending' AND claimed_by = @worker
        """;

    // Back off exponentially (1, 2, 4 … minutes, at most an hour) until MaxAttempts, then fail with the reason.
    private static string Retry(string table) => $"""
        UPDATE {table}
        SET status = CASE WHEN attempts >= @maxAttempts THEN 'failed' ELSE 'planned' END,
            due_at = CASE WHEN attempts >= @maxAttempts THEN due_at
                          ELSE @now + least(interval '1 hour', interval '1 minute' * power(2, attempts - 1)) END,
            failure = @reason, claimed_by = NULL
        WHERE id = ANY(@ids) AND status = 'sending' AND claimed_by = @worker
        """;
}

/// <summary>What decides, at send time, whether a claimed row may still go.</summary>
internal sealed class SendState
{
    public string CourseStatus { get; init; } = "";
    public bool OptedOut { get; init; }
    public bool Undeliverable { get; init; }
    public string CheckInStatus { get; init; } = "";
    public bool? StillMine { get; init; }
}

/// <summary>The send-time eligibility rules. Pure.</summary>
internal static class Eligibility
{
    public enum Action { Send, Release, Cancel, Lost }

    public static (Action, string?) Decide(bool reminder, SendState state, DateTime? expiresAt, DateTime now)
    {
        if (state.StillMine != true) return (Action.Lost, null);
        if (state.CourseStatus == "paused") return (Action.Release, null);
        if (state.CourseStatus != "active") return (Action.Cancel, $"course {state.CourseStatus}");
        if (state.OptedOut) return (Action.Cancel, "patient opted out");
        if (state.Undeliverable) return (Action.Cancel, "patient's address is undeliverable");
        if (reminder && state.CheckInStatus != "sent") return (Action.Cancel, $"check-in {state.CheckInStatus}");
        if (now >= expiresAt) return (Action.Cancel, reminder ? "check-in expired" : "expired before it could be sent");
        return (Action.Send, null);
    }
}
