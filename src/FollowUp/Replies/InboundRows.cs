using System.Data.Common;
using Dapper;
using FollowUp.Audit;
using Npgsql;
using NpgsqlTypes;

namespace FollowUp.Replies;

/// <summary>Identity of a message on the IMAP server; UIDs mean nothing without the UIDVALIDITY they belong to.</summary>
internal sealed record InboundKey(string Mailbox, uint UidValidity, uint Uid);

/// <summary>What recording one message did: its outcome, and the email it queued to answer it (a clarification or a STOP confirmation, a row of reminders, to send once the transaction commits).</summary>
internal sealed record Stored(InboundOutcome Outcome, long? InboundId, long? CheckInId, long? Clarification);

/// <summary>
/// The rows the inbox writes and reads back for each message, and the statements that write them, for
/// <see cref="InboundStore"/> and <see cref="AnswerRows"/>. Statements are sent as one <see cref="NpgsqlBatch"/> per
/// round trip, each command one statement, so a run of messages costs the round trips of one.
/// </summary>
internal static class InboundRows
{
    internal sealed class RecordedInbound
    {
        public long? Id { get; init; }
        public bool Duplicate { get; init; }
    }

    internal sealed class StoredReply
    {
        public long? Id { get; init; }
        public DateTime? ReceivedAt { get; init; }
        public int? Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
        public int? Phq2A { get; init; }
        public int? Phq2B { get; init; }
        public string AnswerStatus { get; init; } = "";
        public bool CrisisFlag { get; init; }
        public string? CrisisTerms { get; init; }
        public string AnswerText { get; init; } = "";
        /// <summary>Of the check-in itself: whether it asked the PHQ-2 (then a reply must answer both items).</summary>
        public bool AsksPhq2 { get; init; }
    }

    /// <summary>A batch command of one statement with its parameters, each typed (a NULL has a type too).</summary>
    public static NpgsqlBatchCommand Command(string sql, params (string Name, NpgsqlDbType Type, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, type, value) in parameters) command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>The statements of <paramref name="sql"/> (our own constants: a statement ends with ';' at a line's end), one batch command each.</summary>
    public static IEnumerable<NpgsqlBatchCommand> Commands(string sql, params (string Name, NpgsqlDbType Type, object? Value)[] parameters) =>
        sql.Split(";\n").Select(s => s.Trim()).Where(s => s.Length > 0).Select(s => Command(s, parameters));

    /// <summary>The rows of the reader's current result set, mapped as Dapper maps them; then on to the next result set.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        var parse = reader.GetRowParser<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(parse(reader));
        await reader.NextResultAsync(cancellationToken);
        return rows;
    }

    // The record of one message with its audit row. A message whose Message-ID was already processed is recorded as
    // a duplicate (the same email again: copied, or the server reset UIDVALIDITY); a message another worker recorded
    // first (same mailbox, UIDVALIDITY and UID) is not recorded again: id is then NULL. Earlier messages of the same
    // batch count: each command is its own statement and sees what the ones before it wrote.
    public const string InsertInbound = $"""
        WITH seen AS (
            SELECT @checkSeen AND EXISTS (SELECT 1 FROM inbound_messages WHERE message_id = @messageId AND outcome NOT IN ('duplicate', 'rejected')) AS duplicate),
        inserted AS (
            INSERT INTO inbound_messages (mailbox, uid_validity, uid, message_id, received_at, from_address, subject,
                                          outcome, detail, check_in_id, raw_headers, body_text, folder, crisis_flag, sender_proof)
            SELECT @mailbox, @uidValidity, @uid, @messageId, @now, @from, @subject,
                   CASE WHEN duplicate THEN 'duplicate' ELSE @outcome END, CASE WHEN duplicate THEN @duplicateDetail ELSE @detail END,
                   @checkInId, @rawHeaders, @body, CASE WHEN duplicate THEN @duplicateFolder ELSE @folder END, @crisis, @senderProof
            FROM seen
            ON CONFLICT (mailbox, uid_validity, uid) DO NOTHING
            RETURNING id, outcome),
        audited AS (
            {AuditTrail.InsertInto}
            SELECT @now, @actor, 'inbound.' || inserted.outcome, @courseId, @patientId, inserted.id,
                   (CASE WHEN seen.duplicate THEN @duplicateAudit ELSE @audit END)::jsonb
            FROM inserted, seen)
        SELECT inserted.id, seen.duplicate FROM seen LEFT JOIN inserted ON true
        """;

    // Locks the check-in (serialises two readers storing replies to it) and reads its current reply, if any, and
    // whether it asked the PHQ-2.
    public const string LockCurrentReply = """
        SELECT r.id, r.received_at, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.answer_status, r.crisis_flag, r.crisis_terms, r.answer_text, ci.asks_phq2
        FROM check_ins ci
        LEFT JOIN LATERAL (
            SELECT * FROM replies WHERE check_in_id = ci.id ORDER BY received_at DESC, id DESC LIMIT 1) r ON true
        WHERE ci.id = @checkInId
        FOR UPDATE OF ci
        """;

    public static NpgsqlBatchCommand LockCurrentReplyCommand(long checkInId) => Command(LockCurrentReply, ("checkInId", NpgsqlDbType.Bigint, checkInId));
}
