using System.Data.Common;
using Dapper;

namespace FollowUp.CheckIns;

/// <summary>
/// Where a queued patient email is in its life (a check-in, or an email about one: a reminder, a clarification):
/// planned -> sending (claimed by one dispatch lane) -> sent -> answered (a check-in only), or failed / cancelled.
/// </summary>
internal enum SendStatus { Planned, Sending, Sent, Answered, Failed, Cancelled }

/// <summary>
/// The one owner of the check-ins' and reminders' states: every change other features make to a check-in (planned at
/// enrolment or import, answered, bounced, cancelled on opt-out or by a course change, moved by a re-anchor) is a call
/// here, inside the caller's transaction. Dispatch's own transitions (claim, sent, retry, ...) are in <see cref="OutgoingQueue"/>.
/// </summary>
internal static class CheckInStates
{
    /// <summary>The status as the database stores it.</summary>
    public static string Sql(this SendStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>The status of a row read from the database.</summary>
    public static SendStatus Parse(string status) => Enum.Parse<SendStatus>(status, ignoreCase: true);

    /// <summary>Plans a course's check-ins (enrolment).</summary>
    public static Task PlanAsync(DbConnection connection, DbTransaction transaction, long courseId, IReadOnlyList<PlannedCheckIn> plan, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Plan(PlanRows), new
        {
            courseId,
            sequences = plan.Select(p => (short)p.Sequence).ToArray(),
            offsets = plan.Select(p => p.OffsetDays).ToArray(),
            dues = plan.Select(p => p.DueAt.UtcDateTime).ToArray(),
            expiries = plan.Select(p => p.ExpiresAt.UtcDateTime).ToArray(),
            phq2 = plan.Select(p => p.AsksPhq2).ToArray(),
            mood = plan.Select(p => p.AsksMood).ToArray(),
        }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// The statement that plans check-ins set-based from <paramref name="rows"/> (columns course_id, sequence,
    /// offset_days, due_at, expires_at, asks_phq2, asks_mood): the import plans thousands of courses in one statement.
    /// </summary>
    public static string Plan(string rows) => $"""
        INSERT INTO check_ins (course_id, sequence, offset_days, due_at, expires_at, asks_phq2, asks_mood)
        SELECT course_id, sequence, offset_days, due_at, expires_at, asks_phq2, asks_mood FROM ({rows}) AS planned
        """;

    /// <summary>The patient said STOP: every check-in of theirs not sent yet is cancelled (their reminders stop at send time).</summary>
    public static Task<int> CancelForOptOutAsync(DbConnection connection, DbTransaction transaction, long patientId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(OptOut, new { patientId }, transaction, cancellationToken: cancellationToken));

    /// <summary>A delivery report said the sent check-in never arrived.</summary>
    public static Task FailBouncedAsync(DbConnection connection, DbTransaction transaction, long checkInId, string reason, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Bounced, new { id = checkInId, reason }, transaction, cancellationToken: cancellationToken));

    /// <summary>The patient's mail system said they are away until <paramref name="until"/>: the check-in's reminders wait.</summary>
    public static Task AwayUntilAsync(DbConnection connection, DbTransaction transaction, long checkInId, DateTimeOffset until, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Away, new { id = checkInId, until }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// A course change stops its planned check-ins and reminders (all of them, or only those expired by
    /// <paramref name="expiredBy"/>); returns how many check-ins. A row being sent right now is left to its lane, which
    /// re-checks the course before it sends.
    /// </summary>
    public static async Task<int> CancelPlannedAsync(DbConnection connection, DbTransaction transaction, long courseId, string reason, DateTimeOffset? expiredBy, CancellationToken cancellationToken)
    {
        var args = new { courseId, reason, onlyExpired = expiredBy is not null, now = (expiredBy ?? DateTimeOffset.MinValue).UtcDateTime };
        var cancelled = await connection.ExecuteAsync(new CommandDefinition(CancelCourseCheckIns, args, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CancelCourseReminders, args, transaction, cancellationToken: cancellationToken));
        return cancelled;
    }

    /// <summary>A re-anchored course: its planned check-ins move to the new plan; sent ones are history. Returns how many moved.</summary>
    public static Task<int> MoveAsync(DbConnection connection, DbTransaction transaction, long courseId, IReadOnlyList<PlannedCheckIn> plan, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Move, new
        {
            courseId,
            sequences = plan.Select(p => (short)p.Sequence).ToArray(),
            dues = plan.Select(p => p.DueAt.UtcDateTime).ToArray(),
            expiries = plan.Select(p => p.ExpiresAt.UtcDateTime).ToArray(),
        }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// An admin cancels one planned email (a check-in takes its planned reminders with it). False when it is no longer
    /// planned (being sent right now).
    /// </summary>
    public static async Task<bool> CancelOneAsync(DbConnection connection, DbTransaction transaction, OutgoingKind kind, long id, string reason, CancellationToken cancellationToken)
    {
        var rows = await connection.ExecuteAsync(new CommandDefinition(kind == OutgoingKind.CheckIn ? CancelCheckIn : CancelReminder,
            new { id, reason }, transaction, cancellationToken: cancellationToken));
        if (rows > 0 && kind == OutgoingKind.CheckIn)
            await connection.ExecuteAsync(new CommandDefinition(CancelItsReminders, new { id, reason }, transaction, cancellationToken: cancellationToken));
        return rows > 0;
    }

    /// <summary>
    /// Queues the one clarification of a check-in whose reply could not be read, in the transaction that stores the
    /// reply; dispatch sends it (<see cref="CheckInDispatch.SendNowAsync"/> at once, else its next run). Returns the
    /// queued row's id, or null when this check-in was asked already: never two.
    /// </summary>
    public static Task<long?> QueueClarificationAsync(DbConnection connection, DbTransaction transaction, long checkInId, string? subject, string? inReplyTo,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition(QueueClarification, new
        {
            checkInId,
            now = now.UtcDateTime,
            // The patient's subject and Message-ID come back in our email's headers: capped, never longer than a header line.
            subject = Cap(subject, 200),
            inReplyTo = Cap(inReplyTo, 900),
        }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// The STOP confirmation of the check-in a STOP answered, queued in the transaction that records the opt-out; dispatch
    /// sends it (at once through <see cref="CheckInDispatch.SendNowAsync"/>, else its next run). Null when this
    /// check-in's STOP was confirmed already: a second STOP gets no second email.
    /// </summary>
    public static Task<long?> QueueStopConfirmationAsync(DbConnection connection, DbTransaction transaction, long checkInId, string? inReplyTo,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long?>(new CommandDefinition(QueueStopConfirmation, new
        {
            checkInId,
            now = now.UtcDateTime,
            inReplyTo = Cap(inReplyTo, 900),
        }, transaction, cancellationToken: cancellationToken));

    private const string QueueStopConfirmation = """
        INSERT INTO reminders (check_in_id, kind, number, due_at, in_reply_to)
        VALUES (@checkInId, 'stop_confirmation', -1, @now, @inReplyTo)
        ON CONFLICT (check_in_id, number) DO NOTHING
        RETURNING id
        """;

    private static string? Cap(string? text, int length) => text is null || text.Length <= length ? text : text[..length];

    // The claim on check_ins.clarification_sent_at and the queued row in one statement; the row's UNIQUE (check_in_id,
    // number 0) would refuse a second one even without it.
    private const string QueueClarification = """
        WITH asked AS (
            UPDATE check_ins SET clarification_sent_at = @now WHERE id = @checkInId AND clarification_sent_at IS NULL RETURNING id)
        INSERT INTO reminders (check_in_id, kind, number, due_at, subject, in_reply_to)
        SELECT id, 'clarification', 0, @now, @subject, @inReplyTo FROM asked
        ON CONFLICT (check_in_id, number) DO NOTHING
        RETURNING id
        """;

    private const string PlanRows = """
        SELECT @courseId AS course_id, s AS sequence, o AS offset_days, d AS due_at, e AS expires_at, p AS asks_phq2, m AS asks_mood
        FROM unnest(@sequences, @offsets, @dues, @expiries, @phq2, @mood) AS t (s, o, d, e, p, m)
        """;

    /// <summary>
    /// Clear answers: the check-ins (@checkInIds) are answered, whatever dispatch was doing with them. A statement for
    /// a caller that sends it in one round trip with its own (the inbox, for a run of answers).
    /// </summary>
    internal const string Answer = "UPDATE check_ins SET status = 'answered', awaiting = NULL WHERE id = ANY(@checkInIds) AND status IN ('sent', 'sending', 'planned')";

    /// <summary>
    /// Replies that left questions unread: each check-in (@checkInIds) stays open and says what it waits for (the same
    /// element of @awaiting: its unread questions joined by ',', of pain, mood, phq2_a, phq2_b), and its planned
    /// reminders stop, since the patient is not silent (the one clarification asks instead). It still expires as
    /// planned. Statements for a caller that sends them in one round trip with its own.
    /// </summary>
    internal const string AwaitMissing = """
        UPDATE check_ins ci SET awaiting = string_to_array(t.awaiting, ',')
        FROM unnest(@checkInIds, @awaiting) AS t (id, awaiting)
        WHERE ci.id = t.id AND ci.status <> 'answered';
        UPDATE reminders SET status = 'cancelled', failure = 'patient replied'
        WHERE check_in_id = ANY(@checkInIds) AND kind = 'reminder' AND status = 'planned'
        """;

    private const string OptOut = """
        UPDATE check_ins ci SET status = 'cancelled', failure = 'patient opted out'
        FROM courses c
        WHERE c.id = ci.course_id AND c.patient_id = @patientId AND ci.status IN ('planned', 'sending')
        """;

    private const string Bounced = "UPDATE check_ins SET status = 'failed', failure = @reason WHERE id = @id AND status = 'sent'";

    private const string Away = "UPDATE check_ins SET out_of_office_until = GREATEST(COALESCE(out_of_office_until, @until), @until) WHERE id = @id";

    private const string CancelCourseCheckIns = """
        UPDATE check_ins SET status = 'cancelled', failure = @reason
        WHERE course_id = @courseId AND status = 'planned' AND (NOT @onlyExpired OR expires_at <= @now)
        """;

    private const string CancelCourseReminders = """
        UPDATE reminders r SET status = 'cancelled', failure = @reason
        FROM check_ins ci
        WHERE ci.id = r.check_in_id AND ci.course_id = @courseId AND r.status = 'planned' AND (NOT @onlyExpired OR ci.expires_at <= @now)
        """;

    private const string Move = """
        UPDATE check_ins ci SET due_at = t.d, expires_at = t.e
        FROM unnest(@sequences, @dues, @expiries) AS t (s, d, e)
        WHERE ci.course_id = @courseId AND ci.sequence = t.s AND ci.status = 'planned'
        """;

    private const string CancelCheckIn = "UPDATE check_ins SET status = 'cancelled', failure = @reason WHERE id = @id AND status = 'planned'";

    private const string CancelReminder = "UPDATE reminders SET status = 'cancelled', failure = @reason WHERE id = @id AND status = 'planned'";

    private const string CancelItsReminders = "UPDATE reminders SET status = 'cancelled', failure = @reason WHERE check_in_id = @id AND status = 'planned'";
}
