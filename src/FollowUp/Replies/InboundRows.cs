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
        public long CheckInId { get; init; }
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

    // The records of a run of messages (one row per element of the arrays, in mailbox order: @ords) with their audit
    // rows, in one statement. A message whose Message-ID was already processed is recorded as a duplicate (the same
    // email again: copied, or the server reset UIDVALIDITY), and so is one whose Message-ID an earlier message of the
    // same run carries (as if recorded one after another); a message another worker recorded first (same mailbox,
    // UIDVALIDITY and UID) is not recorded again: its id is then NULL. One result row per message, in order.
    public static readonly string InsertInbound = $"""
        WITH input AS (
            SELECT * FROM unnest(@ords, @mailboxes, @uidValidities, @uids, @messageIds, @checkSeen, @froms, @subjects, @outcomes, @details,
                                 @checkInIds, @courseIds, @patientIds, @actors, @rawHeaders, @bodies, @folders, @crises, @senderProofs, @audits, @duplicateAudits)
                AS t (ord, mailbox, uid_validity, uid, message_id, check_seen, from_address, subject, outcome, detail,
                      check_in_id, course_id, patient_id, actor, raw_headers, body_text, folder, crisis_flag, sender_proof, audit, duplicate_audit)),
        seen AS (
            SELECT i.*, i.check_seen AND (
                       EXISTS (SELECT 1 FROM inbound_messages m WHERE m.message_id = i.message_id AND m.outcome NOT IN ('duplicate', 'rejected'))
                    OR EXISTS (SELECT 1 FROM input e WHERE e.ord < i.ord AND e.message_id = i.message_id AND e.outcome <> 'rejected')) AS duplicate
            FROM input i),
        inserted AS (
            INSERT INTO inbound_messages (mailbox, uid_validity, uid, message_id, received_at, from_address, subject,
                                          outcome, detail, check_in_id, raw_headers, body_text, folder, crisis_flag, sender_proof)
            SELECT mailbox, uid_validity, uid, message_id, @now, from_address, subject,
                   CASE WHEN duplicate THEN 'duplicate' ELSE outcome END, CASE WHEN duplicate THEN @duplicateDetail ELSE detail END,
                   check_in_id, raw_headers, body_text, CASE WHEN duplicate THEN @duplicateFolder ELSE folder END, crisis_flag, sender_proof
            FROM seen ORDER BY ord
            ON CONFLICT (mailbox, uid_validity, uid) DO NOTHING
            RETURNING id, mailbox, uid_validity, uid, outcome),
        audited AS (
            {AuditTrail.InsertEach(InboundAudit)})
        SELECT ins.id, s.duplicate
        FROM seen s LEFT JOIN inserted ins ON (ins.mailbox, ins.uid_validity, ins.uid) = (s.mailbox, s.uid_validity, s.uid)
        ORDER BY s.ord
        """;

    private const string InboundAudit = """
        SELECT @now, s.actor, 'inbound.' || ins.outcome, s.course_id, s.patient_id, ins.id, (CASE WHEN s.duplicate THEN s.duplicate_audit ELSE s.audit END)::jsonb
        FROM seen s JOIN inserted ins ON (ins.mailbox, ins.uid_validity, ins.uid) = (s.mailbox, s.uid_validity, s.uid)
        ORDER BY s.ord
        """;

    // Locks the check-ins (serialises two readers storing replies to one; in id order, so two never wait on each
    // other) and reads the current reply of each, if any, and whether it asked the PHQ-2. One row per check-in.
    public const string LockCurrentReplies = """
        SELECT ci.id AS check_in_id, r.id, r.received_at, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.answer_status, r.crisis_flag,
               r.crisis_terms, r.answer_text, ci.asks_phq2
        FROM check_ins ci
        LEFT JOIN LATERAL (
            SELECT * FROM replies WHERE check_in_id = ci.id ORDER BY received_at DESC, id DESC LIMIT 1) r ON true
        WHERE ci.id = ANY(@checkInIds)
        ORDER BY ci.id
        FOR UPDATE OF ci
        """;

    public static NpgsqlBatchCommand LockCurrentRepliesCommand(IEnumerable<long> checkInIds) =>
        Command(LockCurrentReplies, ("checkInIds", NpgsqlDbType.Array | NpgsqlDbType.Bigint, checkInIds.ToArray()));
}
