using Dapper;
using FollowUp.Audit;
using Npgsql;

namespace FollowUp.CheckIns;

/// <summary>
/// Dispatch's transitions of a queued patient email: claim, the fresh check, and each outcome. Every statement is
/// written once for every kind (<see cref="OutgoingKind"/>); only the claim reads the two tables, in one statement.
/// Each transition holds only while the lane's claim does (<c>status = 'sending' AND claimed_by = @worker</c>).
/// </summary>
internal sealed class OutgoingQueue(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Actor = "dispatch";

    /// <summary>
    /// Claims up to BatchSize due rows (fewer under RatePerMinute) for <paramref name="lane"/>, check-ins before the emails about
    /// them, oldest first; <paramref name="only"/> claims that one row if it is due (a clarification sent at once).
    /// </summary>
    public async Task<IReadOnlyList<CheckInToSend>> ClaimAsync(string lane, DispatchOptions options, (OutgoingKind Kind, long Id)? only, CancellationToken cancellationToken)
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
        var claimed = (await connection.QueryAsync<CheckInToSend>(new CommandDefinition(Claim, new
        {
            now,
            limit,
            worker = lane,
            lease = options.ClaimLease,
            checkIns = only is null || only.Value.Kind == OutgoingKind.CheckIn,
            onlyId = only?.Id,
        }, transaction, cancellationToken: cancellationToken))).ToList();
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>The row's claim and everything that decides whether it may still go, read fresh just before sending.</summary>
    public static async Task<SendState> StateAsync(NpgsqlConnection connection, string lane, CheckInToSend item, CancellationToken cancellationToken) =>
        await connection.QuerySingleAsync<SendState>(new CommandDefinition(SelectState(item.Kind.Table()),
            new { checkInId = item.CheckInId, id = item.Id, worker = lane }, cancellationToken: cancellationToken));

    /// <summary>Back to the queue for <paramref name="dueAt"/> (a paused course, the patient's next window); not an attempt.</summary>
    public static Task RescheduleAsync(NpgsqlConnection connection, string lane, CheckInToSend item, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Reschedule(item.Kind.Table()), new { id = item.Id, worker = lane, dueAt = dueAt.UtcDateTime }, cancellationToken: cancellationToken));

    public async Task CancelAsync(NpgsqlConnection connection, string lane, CheckInToSend item, string reason, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(Finish(item.Kind.Table(), SendStatus.Cancelled), new { id = item.Id, worker = lane, reason }, transaction, cancellationToken: cancellationToken));
        if (rows > 0)
            await AuditTrail.WriteAsync(connection, transaction, clock.GetUtcNow(), Actor, item.Kind.AuditKind("cancelled"),
                item.CourseId, item.PatientId, item.CheckInId, new { reason, reminder = item.ReminderNumber }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Records a sent message: its status, its reminders (for a check-in, <paramref name="reminders"/>) and the audit
    /// row, in one statement, so atomic. False when the lane's claim was lost meanwhile (nothing is written then). On
    /// <paramref name="connection"/> when the lane holds one, else on one of its own.
    /// </summary>
    public async Task<bool> MarkSentAsync(string lane, CheckInToSend item, string messageId, IReadOnlyList<DateTimeOffset> reminders, NpgsqlConnection? connection,
        CancellationToken cancellationToken)
    {
        await using var own = connection is null ? await dataSource.OpenConnectionAsync(cancellationToken) : null;
        var rows = await (connection ?? own!).ExecuteScalarAsync<long>(new CommandDefinition(MarkSent(item.Kind.Table()), new
        {
            id = item.Id,
            worker = lane,
            now = clock.GetUtcNow().UtcDateTime,
            messageId,
            checkInId = item.CheckInId,
            numbers = reminders.Select((_, i) => (short)(i + 1)).ToArray(),
            dues = reminders.Select(r => r.UtcDateTime).ToArray(),
            actor = Actor,
            kind = item.Kind.AuditKind("sent"),
            courseId = item.CourseId,
            patientId = item.PatientId,
            detail = System.Text.Json.JsonSerializer.Serialize(new { messageId, reminder = item.ReminderNumber }),
        }, cancellationToken: cancellationToken));
        return rows > 0;
    }

    /// <summary>Refused for good: failed with the reason; a refused address is marked unreachable, which tells the therapist.</summary>
    public async Task MarkFailedAsync(string lane, CheckInToSend item, string reason, FailedBecause because, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Finish(item.Kind.Table(), SendStatus.Failed), new { id = item.Id, reason, worker = lane }, transaction, cancellationToken: cancellationToken));
        if (because == FailedBecause.AddressRefused) await Alerts.Unreachable.MarkAsync(connection, transaction, item.PatientId, reason, now, cancellationToken);
        if (because == FailedBecause.Template) await Alerts.NotSent.RaiseAsync(connection, transaction, item.CourseId, item.ScheduleId, reason, now, cancellationToken);
        await AuditTrail.WriteAsync(connection, transaction, now, Actor, item.Kind.AuditKind("failed"),
            item.CourseId, item.PatientId, item.CheckInId, new { reason, reminder = item.ReminderNumber }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Back to the queue untried: still due, the claim not counted as an attempt, the reason kept for the admin.</summary>
    public Task ReleaseAsync(string lane, IEnumerable<CheckInToSend> items, string reason, CancellationToken cancellationToken) =>
        EachTableAsync(items, table => Release(table), new { reason, worker = lane }, cancellationToken);

    /// <summary>Back off exponentially (1, 2, 4 … minutes, at most an hour) until MaxAttempts, then fail with the reason.</summary>
    public Task RetryLaterAsync(string lane, IEnumerable<CheckInToSend> items, string reason, DispatchOptions options, CancellationToken cancellationToken) =>
        EachTableAsync(items, table => Retry(table), new { reason, worker = lane, now = clock.GetUtcNow().UtcDateTime, maxAttempts = options.MaxAttempts }, cancellationToken);

    /// <summary>
    /// Hands back what <paramref name="lanes"/> claimed and never settled: a run cut off by a database outage leaves its
    /// claims 'sending'; the next run of the same worker gives them back at once instead of after ClaimLease. Only
    /// called while none of those lanes is running.
    /// </summary>
    public async Task ReleaseStrandedAsync(string[] lanes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseStranded, new { lanes, reason = "database unreachable during the send" }, cancellationToken: cancellationToken));
    }

    private async Task EachTableAsync(IEnumerable<CheckInToSend> items, Func<string, string> statement, object args, CancellationToken cancellationToken)
    {
        var groups = items.GroupBy(i => i.Kind.Table()).ToList();
        if (groups.Count == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var group in groups)
        {
            var parameters = new DynamicParameters(args);
            parameters.Add("ids", group.Select(i => i.Id).ToArray());
            await connection.ExecuteAsync(new CommandDefinition(statement(group.Key), parameters, cancellationToken: cancellationToken));
        }
    }

    // Due rows of courses that are not paused (withdrawn courses and stopped patients are claimed too, so that their
    // rows are cancelled with a reason instead of lingering), plus claims whose worker died (lease over, measured on
    // the database clock because it is about processes, not about the clinic's calendar). Check-ins first, then the
    // emails about sent check-ins, in one statement; it commits at once, and sending happens outside any transaction.
    private const string Returning = """
        c.id AS course_id, c.schedule_id, p.id AS patient_id, p.name AS patient_name, p.email AS patient_email,
        p.time_zone, p.language, c.ended_on, t.name AS therapist_name, ci.sequence, ci.offset_days, ci.asks_phq2, ci.asks_mood, ci.expires_at, ci.awaiting, ci.remind_after_days
        """;

    private const string Claim = $"""
        WITH due_check_ins AS (
            SELECT ci.id
            FROM check_ins ci JOIN courses c ON c.id = ci.course_id
            WHERE @checkIns AND c.status <> 'paused'
              AND ((ci.status = 'planned' AND ci.due_at <= @now)
                OR (ci.status = 'sending' AND ci.claimed_at < now() - @lease))
              AND (@onlyId::bigint IS NULL OR ci.id = @onlyId)
            ORDER BY ci.due_at
            LIMIT @limit
            FOR UPDATE OF ci SKIP LOCKED),
        claimed_check_ins AS (
            UPDATE check_ins ci
            SET status = 'sending', claimed_by = @worker, claimed_at = now(), attempts = ci.attempts + 1
            FROM due_check_ins due, courses c, patients p, therapists t
            WHERE ci.id = due.id AND c.id = ci.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
            RETURNING 'CheckIn' AS kind, ci.id, ci.id AS check_in_id, 0 AS reminder_number, NULL::text AS subject, NULL::text AS in_reply_to, {Returning}),
        due_others AS (
            SELECT r.id
            FROM reminders r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses c ON c.id = ci.course_id
            WHERE NOT (@checkIns AND @onlyId::bigint IS NOT NULL) AND (c.status <> 'paused' OR r.kind = 'stop_confirmation')
              -- The patient's mail system said they are away: a reminder waits (it may then expire unsent).
              AND ((r.status = 'planned' AND r.due_at <= @now
                    AND (r.kind <> 'reminder' OR ci.out_of_office_until IS NULL OR ci.out_of_office_until <= @now))
                OR (r.status = 'sending' AND r.claimed_at < now() - @lease))
              AND (@onlyId::bigint IS NULL OR r.id = @onlyId)
            ORDER BY r.due_at
            LIMIT greatest(0, @limit - (SELECT count(*) FROM due_check_ins))
            FOR UPDATE OF r SKIP LOCKED),
        claimed_others AS (
            UPDATE reminders r
            SET status = 'sending', claimed_by = @worker, claimed_at = now(), attempts = r.attempts + 1
            FROM due_others due, check_ins ci, courses c, patients p, therapists t
            WHERE r.id = due.id AND ci.id = r.check_in_id AND c.id = ci.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
            RETURNING replace(initcap(r.kind), '_', '') AS kind, r.id, ci.id AS check_in_id, r.number AS reminder_number, r.subject, r.in_reply_to, {Returning})
        SELECT * FROM claimed_check_ins
        UNION ALL
        SELECT * FROM claimed_others
        """;

    // Any 64-bit constant unique to this lock; a transaction-level lock ends with the claim's transaction.
    private const string LockRate = "SELECT pg_advisory_xact_lock(4004004004)";

    private const string CountRecent = """
        SELECT (SELECT count(*) FROM check_ins WHERE (sent_at > @now - interval '1 minute') OR status = 'sending')
             + (SELECT count(*) FROM reminders WHERE (sent_at > @now - interval '1 minute') OR status = 'sending')
        """;

    private static string SelectState(string table) => $"""
        SELECT c.status AS course_status, p.opted_out_at IS NOT NULL AS opted_out, p.undeliverable_at IS NOT NULL AS undeliverable,
               ci.status AS check_in_status, ci.awaiting IS NOT NULL AS awaiting,
               (SELECT q.status = 'sending' AND q.claimed_by = @worker FROM {table} q WHERE q.id = @id) AS still_mine
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.id = @checkInId
        """;

    // The row is sent (only while this lane's claim holds), a check-in's reminders are planned, and the send is audited.
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
        {AuditTrail.InsertEach("SELECT @now, @actor, @kind, @courseId, @patientId, @checkInId, @detail::jsonb FROM sent")})
        SELECT count(*) FROM sent
        """;

    private static string Finish(string table, SendStatus status) => $"""
        UPDATE {table}
        SET status = '{status.Sql()}', failure = @reason, claimed_by = NULL
        WHERE id = @id AND status = 'sending' AND claimed_by = @worker
        """;

    private static string Reschedule(string table) => $"""
        UPDATE {table}
        SET status = 'planned', due_at = @dueAt, attempts = attempts - 1, claimed_by = NULL
        WHERE id = @id AND status = 'sending' AND claimed_by = @worker
        """;

    private static string Release(string table) => $"""
        UPDATE {table}
        SET status = 'planned', attempts = attempts - 1, failure = @reason, claimed_by = NULL
        WHERE id = ANY(@ids) AND status = 'sending' AND claimed_by = @worker
        """;

    private static string Retry(string table) => $"""
        UPDATE {table}
        SET status = CASE WHEN attempts >= @maxAttempts THEN 'failed' ELSE 'planned' END,
            due_at = CASE WHEN attempts >= @maxAttempts THEN due_at
                          ELSE @now + least(interval '1 hour', interval '1 minute' * power(2, attempts - 1)) END,
            failure = @reason, claimed_by = NULL
        WHERE id = ANY(@ids) AND status = 'sending' AND claimed_by = @worker
        """;

    private const string ReleaseStranded = """
        UPDATE check_ins SET status = 'planned', attempts = attempts - 1, failure = @reason, claimed_by = NULL
        WHERE status = 'sending' AND claimed_by = ANY(@lanes);
        UPDATE reminders SET status = 'planned', attempts = attempts - 1, failure = @reason, claimed_by = NULL
        WHERE status = 'sending' AND claimed_by = ANY(@lanes)
        """;
}

/// <summary>Why an email failed for good, for what else the failure must do besides failing it.</summary>
internal enum FailedBecause
{
    /// <summary>The server refused this message (not the address): only the email fails.</summary>
    Refused,

    /// <summary>The server refused the address for good: the patient is unreachable, their therapist told.</summary>
    AddressRefused,

    /// <summary>The schedule's template failed: the course gets a "not sent" alert for the therapist.</summary>
    Template,
}
