using System.Data.Common;
using Dapper;
using FollowUp.Alerts;
using FollowUp.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using static FollowUp.Replies.InboundRows;

namespace FollowUp.Replies;

/// <summary>What a therapist's decision on a kept reply came to.</summary>
internal enum KeptDecision { Applied, Dismissed, NotFound, NotKept, AlreadyDecided, CourseWithdrawn, NewerAnswer, StoredAnswer }

/// <summary>
/// Records a decided inbound message with its consequences (the reply, the check-in's and patient's state, the
/// assessment and its alerts, the audit rows) in the caller's transaction: the inbox records a chunk in one.
/// The only writer of inbound_messages and replies.
/// </summary>
internal sealed class InboundStore(NpgsqlDataSource dataSource, TimeProvider clock, Assessment assessment, IOptions<InboxOptions> inboxOptions,
    IOptions<DataProtection.ErasureOptions> erasureOptions, ILogger<InboundStore> logger)
{
    public async Task<InboundOutcome?> RecordedOutcomeAsync(DbConnection? connection, DbTransaction? transaction, InboundKey key, CancellationToken cancellationToken)
    {
        await using var own = connection is null ? await dataSource.OpenConnectionAsync(cancellationToken) : null;
        var outcome = await (connection ?? own!).ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT outcome FROM inbound_messages WHERE mailbox = @Mailbox AND uid_validity = @UidValidity AND uid = @Uid",
            new { key.Mailbox, UidValidity = (long)key.UidValidity, Uid = (long)key.Uid }, transaction, cancellationToken: cancellationToken));
        return outcome is null ? null : InboundOutcomes.Parse(outcome);
    }

    /// <summary>The recorded outcome of each of <paramref name="uids"/> that has one: one query for a whole chunk.</summary>
    public async Task<Dictionary<uint, InboundOutcome>> RecordedOutcomesAsync(string mailbox, uint uidValidity, uint[] uids, CancellationToken cancellationToken)
    {
        if (uids.Length == 0) return [];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Uid, string Outcome)>(new CommandDefinition(
            "SELECT uid, outcome FROM inbound_messages WHERE mailbox = @mailbox AND uid_validity = @uidValidity AND uid = ANY(@uids)",
            new { mailbox, uidValidity = (long)uidValidity, uids = uids.Select(u => (long)u).ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => (uint)r.Uid, r => InboundOutcomes.Parse(r.Outcome));
    }

    /// <summary>The UIDVALIDITY this mailbox had when a message was last recorded, if any.</summary>
    public async Task<uint?> LastUidValidityAsync(string mailbox, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var last = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT uid_validity FROM inbound_messages WHERE mailbox = @mailbox ORDER BY id DESC LIMIT 1", new { mailbox }, cancellationToken: cancellationToken));
        return last is { } value ? (uint)value : null;
    }

    /// <summary>
    /// Whether recording <paramref name="inbound"/> changes nothing beyond its own record and, for an answer, its
    /// check-in's reply and state and its course's assessment: such messages (to different courses) may be recorded
    /// together by <see cref="RecordAllAsync"/>. An opt-out, a bounce, a complaint, an absence and self-harm wording
    /// not applied to a record change more (the patient, other check-ins, an alert), and are recorded alone.
    /// </summary>
    public static bool ChangesOnlyItsOwn(Inbound inbound) => inbound.Outcome switch
    {
        InboundOutcome.OptOut => inbound.CheckIn is null && !inbound.StopsSharedAddress,
        InboundOutcome.Complaint => false,
        InboundOutcome.AutoReply => !inbound.OutOfOffice || inbound.CheckIn is null,
        InboundOutcome.Bounce => inbound.CheckIn is null || inbound.Delivery is not (DeliveryAction.Failed or DeliveryAction.Delayed),
        InboundOutcome.Unmatched or InboundOutcome.Unverified or InboundOutcome.Held => !inbound.Crisis,
        _ => true,
    };

    public async Task<Stored> RecordAsync(DbConnection connection, DbTransaction transaction, InboundKey key, Inbound inbound, CancellationToken cancellationToken) =>
        (await RecordAllAsync(connection, transaction, [(key, inbound)], cancellationToken))[0];

    /// <summary>
    /// Records <paramref name="messages"/> in mailbox order with their consequences, in the caller's transaction, in a
    /// constant number of round trips and statements: their records with their audit rows (one statement) and the
    /// answered check-ins' locks (one) in one round trip, the answers' replies with their audit rows, the check-ins'
    /// and patients' states and the courses' readings (one statement each) in a second, then only what an assessment
    /// or a clarification adds. More than one message
    /// only when each <see cref="ChangesOnlyItsOwn"/> and no two are about the same course (the caller's rule), so
    /// that storing them together changes nothing that storing them one after another would not.
    /// </summary>
    public async Task<List<Stored>> RecordAllAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(InboundKey Key, Inbound Inbound)> messages,
        CancellationToken cancellationToken)
    {
        if (messages.Count > 1 && messages.Any(m => !ChangesOnlyItsOwn(m.Inbound)))
            throw new InvalidOperationException("only messages that change nothing beyond their own record and answer are recorded together");
        var now = clock.GetUtcNow().UtcDateTime;
        var records = messages.Select(m => InboundRecord.Of(m.Key, m.Inbound)).ToList();
        List<RecordedInbound> rows;
        Dictionary<long, StoredReply> current;
        await using (var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction))
        {
            batch.BatchCommands.Add(InboundRecord.Command(records, now));
            var locked = records.Where(r => r.StoresAnswer).Select(r => r.Inbound.CheckIn!.Id).Distinct().ToArray();
            if (locked.Length > 0) batch.BatchCommands.Add(LockCurrentRepliesCommand(locked));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            rows = await ReadAllAsync<RecordedInbound>(reader, cancellationToken);
            current = locked.Length > 0 ? (await ReadAllAsync<StoredReply>(reader, cancellationToken)).ToDictionary(r => r.CheckInId) : [];
        }
        var recorded = records.Select((record, i) => (Row: rows[i], Before: record.StoresAnswer ? current.GetValueOrDefault(record.Inbound.CheckIn!.Id) : null)).ToList();
        var answers = new List<(int Index, AnswerToStore Answer)>();
        for (var i = 0; i < records.Count; i++)
            if (recorded[i] is { Row: { Id: { } id, Duplicate: false }, Before: var before } && records[i] is { StoresAnswer: true, Inbound: { Answer: { } answer, CheckIn: { } checkIn } inbound })
                answers.Add((i, new AnswerToStore(checkIn, id, answer, before?.Id is null ? null : before, before?.AsksPhq2 == true, inbound.OwnText, inbound.Actor)));
        var read = await AnswerRows.StoreAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, assessment, answers.ConvertAll(a => a.Answer), now, cancellationToken);
        var stored = new List<Stored>();
        for (var i = 0; i < records.Count; i++)
        {
            var inbound = records[i].Inbound;
            // Another worker recorded this very message first: nothing was written here, and its outcome stands.
            if (recorded[i].Row.Id is not { } inboundId)
            {
                stored.Add(new Stored(await RecordedOutcomeAsync(connection, transaction, messages[i].Key, cancellationToken) ?? inbound.Outcome, null, null, null));
                continue;
            }
            var outcome = recorded[i].Row.Duplicate ? InboundOutcome.Duplicate : inbound.Outcome;
            var checkIn = inbound.CheckIn;
            var answered = answers.FindIndex(a => a.Index == i);
            var clarify = answered >= 0 ? await AskAsync(connection, transaction, inbound, checkIn!, read[answered], now, cancellationToken)
                : outcome == InboundOutcome.Duplicate || checkIn is null ? null
                : await ConsequencesAsync(connection, transaction, inboundId, inbound, checkIn, null, false, now, cancellationToken);
            if (outcome == InboundOutcome.OptOut && inbound.StopsSharedAddress)
                clarify = await CheckInChanges.OptOutAddressAsync(connection, transaction, inbound.Message!.From.Mailboxes.First().Address, inbound.Message.MessageId, now, logger, cancellationToken);
            // A stranger's mail from an erased patient's address is said to be so (safety first: a crisis in it still goes to the lead).
            var erased = outcome is InboundOutcome.Unmatched or InboundOutcome.Unverified or InboundOutcome.Held && checkIn is null && inbound.Names is null
                ? await DataProtection.ErasureRecords.NoteMailFromAsync(connection, transaction, inboundId, inbound.Message?.From.Mailboxes.FirstOrDefault()?.Address,
                    erasureOptions.Value, new DateTimeOffset(now, TimeSpan.Zero), logger, cancellationToken)
                : null;
            if (outcome is InboundOutcome.Unmatched or InboundOutcome.Unverified or InboundOutcome.Held && inbound.Crisis)
                await RaiseUnappliedCrisisAsync(connection, transaction, inboundId, inbound, inbound.Names ?? checkIn,
                    erased is { } e ? $"; the address of a patient erased on {e.CompletedAt:yyyy-MM-dd}" : "", now, cancellationToken);
            stored.Add(new Stored(outcome, inboundId, checkIn?.Id, clarify));
        }
        return stored;
    }

    /// <summary>
    /// A question left unread gets one polite clarification per check-in, ever (never a loop); none after self-harm
    /// wording in any of its replies, which a person reads instead. Returns the clarification queued, if one was.
    /// </summary>
    private static async Task<long?> AskAsync(DbConnection connection, DbTransaction transaction, Inbound inbound, CheckInRef checkIn, (string[] Unread, bool Crisis) read,
        DateTime now, CancellationToken cancellationToken) =>
        read.Unread.Length > 0 && !read.Crisis
            ? await CheckIns.CheckInStates.QueueClarificationAsync(connection, transaction, checkIn.Id, inbound.Message?.Subject, inbound.Message?.MessageId,
                new DateTimeOffset(now, TimeSpan.Zero), cancellationToken)
            : null;

    /// <summary>What a recorded message changes beyond its own record; returns the email it queued to answer it (a clarification, a STOP confirmation), if it did.</summary>
    private async Task<long?> ConsequencesAsync(DbConnection connection, DbTransaction transaction, long inboundId, Inbound inbound, CheckInRef checkIn,
        StoredReply? before, bool asksPhq2, DateTime now, CancellationToken cancellationToken)
    {
        switch (inbound.Outcome)
        {
            case InboundOutcome.Answer when inbound.Answer is { } answer:
                var read = await AnswerRows.StoreAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, assessment,
                    [new AnswerToStore(checkIn, inboundId, answer, before, asksPhq2, inbound.OwnText, inbound.Actor)], now, cancellationToken);
                return await AskAsync(connection, transaction, inbound, checkIn, read[0], now, cancellationToken);
            case InboundOutcome.OptOut:
                var cancelled = await CheckInChanges.OptOutAsync(connection, transaction, checkIn.PatientId, now, cancellationToken);
                Log.OptedOut(logger, checkIn.PatientId, cancelled);
                // The patient hears, in their language, that the STOP was heard (queued like a clarification, sent at once).
                return await CheckIns.CheckInStates.QueueStopConfirmationAsync(connection, transaction, checkIn.Id, inbound.Message?.MessageId,
                    new DateTimeOffset(now, TimeSpan.Zero), cancellationToken);
            case InboundOutcome.AutoReply when inbound.OutOfOffice:
                await CheckInChanges.NoteOutOfOfficeAsync(connection, transaction, checkIn.Id, now + inboxOptions.Value.OutOfOfficeDeferral, cancellationToken);
                break;
            case InboundOutcome.Bounce when inbound.Delivery == DeliveryAction.Failed:
                await CheckInChanges.MarkBouncedAsync(connection, transaction, checkIn.Id, inbound.Detail, cancellationToken);
                await Unreachable.MarkAsync(connection, transaction, checkIn.PatientId, inbound.Detail, clock.GetUtcNow(), cancellationToken);
                break;
            case InboundOutcome.Complaint:
                // RFC 6449 §3.3: a complaint means "stop sending to me"; the therapist hears why the follow-up stopped.
                await Unreachable.MarkAsync(connection, transaction, checkIn.PatientId, Unreachable.Complaint,
                    $"marked check-in {checkIn.Id} as spam at their mailbox provider ({inbound.Detail})", clock.GetUtcNow(), cancellationToken);
                break;
            case InboundOutcome.Bounce when inbound.Delivery == DeliveryAction.Delayed:
                // A delay is not a refusal: counted, and the address is suppressed only when delays keep coming.
                var count = await CheckInChanges.CountDelayAsync(connection, transaction, checkIn.PatientId, cancellationToken);
                if (count >= inboxOptions.Value.SoftBounceLimit)
                    await Unreachable.MarkAsync(connection, transaction, checkIn.PatientId, $"{count} delayed delivery reports in a row; last: {inbound.Detail}", clock.GetUtcNow(), cancellationToken);
                break;
        }
        return null;
    }

    /// <summary>
    /// Self-harm wording in a message that names a check-in but is not applied to it (another sender, unverified,
    /// forged) is read by a person all the same: a crisis alert to that course's therapist, escalated like any other,
    /// with the words in its reason. No crisis contacts are mailed: the sender is not shown to be the patient.
    /// </summary>
    private async Task RaiseUnappliedCrisisAsync(DbConnection connection, DbTransaction transaction, long inboundId, Inbound inbound, CheckInRef? named,
        string erasedNote, DateTime now, CancellationToken cancellationToken)
    {
        if (named is null)
        {
            await CrisisWithoutCourse.RaiseAsync(connection, transaction, inboundId,
                $"Self-harm wording in a message tied to no course (inbound {inboundId} from {StoredText.Cut(inbound.Message?.From.Mailboxes.FirstOrDefault()?.Address, 200)}, sender {(inbound.Proof is { } p ? SenderProofs.Name(p) : "not proved")}: {inbound.Detail}{erasedNote}): \"{Excerpt(inbound.OwnText)}\"",
                new DateTimeOffset(now, TimeSpan.Zero), logger, cancellationToken);
            return;
        }
        var finding = new Finding(AlertKinds.Crisis, AlertKinds.High,
            $"Self-harm wording in a message not applied to the record (inbound {inboundId}: {inbound.Detail}): \"{Excerpt(inbound.OwnText)}\"",
            new PainReading(named.OffsetDays, null));
        await Assessment.RaiseAsync(connection, transaction, named.CourseId, named.PatientId, finding, new DateTimeOffset(now, TimeSpan.Zero), logger, cancellationToken, noticePatient: false);
    }

    /// <summary>The sender's own words on one line, cut to what an alert's reason can hold.</summary>
    private static string Excerpt(string ownText)
    {
        var words = string.Join(' ', ownText.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return StoredText.Clean(words.Length > 300 ? words[..300] + "…" : words)!;
    }

    /// <summary>
    /// A therapist's decision on a reply kept with its check-in (unverified, or held: a withdrawn course, long past its
    /// expiry), in one transaction with its audit row. Applying reads the stored text again and goes the way of a
    /// verified answer (the reply, the check-in's state, the assessment and its alerts); it is refused for a withdrawn
    /// course, and when the check-in already holds an answer received after this one (it would overwrite the newer).
    /// </summary>
    public async Task<(KeptDecision Decision, string? Detail)> DecideKeptAsync(long inboundId, bool apply, string by, Alerts.CrisisWords crisisWords,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var kept = await connection.QuerySingleOrDefaultAsync<KeptRow>(new CommandDefinition(LockKept, new { inboundId }, transaction, cancellationToken: cancellationToken));
        if (kept is null) return (KeptDecision.NotFound, null);
        if (kept.CheckInId is not { } checkInId || kept.Outcome is not ("unverified" or "held")) return (KeptDecision.NotKept, kept.Outcome);
        if (kept.Decision is not null) return (KeptDecision.AlreadyDecided, $"{kept.Decision} by {kept.DecidedBy} at {kept.DecidedAt:yyyy-MM-dd HH:mm} UTC");
        var checkIn = new CheckInRef { Id = checkInId, CourseId = kept.CourseId, PatientId = kept.PatientId, OffsetDays = kept.OffsetDays, CourseStatus = kept.CourseStatus };
        if (apply)
        {
            if (kept.CourseStatus == "withdrawn") return (KeptDecision.CourseWithdrawn, null);
            var before = await connection.QueryFirstOrDefaultAsync<StoredReply>(new CommandDefinition(LockCurrentReplies, new { checkInIds = new[] { checkInId } },
                transaction, cancellationToken: cancellationToken));
            if (before?.Id is not null && before.ReceivedAt > kept.ReceivedAt)
                return (KeptDecision.NewerAnswer, $"the answer received {before.ReceivedAt:yyyy-MM-dd HH:mm} UTC");
            // A held reply came long after its question or to a course that ended: it never replaces what was stored.
            if (before?.Id is not null && kept.Outcome == "held")
                return (KeptDecision.StoredAnswer, $"the answer received {before.ReceivedAt:yyyy-MM-dd HH:mm} UTC");
            var ownText = ReplyText.StripQuoted(kept.BodyText ?? "");
            var answer = Answer.Parse(ownText, kept.Subject, crisisWords);
            var inbound = new Inbound(answer.OptOut ? InboundOutcome.OptOut : InboundOutcome.Answer, $"applied by {by}", checkIn, [], "", null)
                { OwnText = ownText, Answer = answer, Crisis = answer.Crisis };
            await ConsequencesAsync(connection, transaction, inboundId, inbound, checkIn, before?.Id is null ? null : before, before?.AsksPhq2 == true, now, cancellationToken);
        }
        var decision = apply ? "applied" : "dismissed";
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE inbound_messages SET decision = @decision, decided_at = @now, decided_by = @by WHERE id = @inboundId",
            new { decision, now, by, inboundId }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, new DateTimeOffset(now, TimeSpan.Zero), by, $"reply.{decision}", kept.CourseId, kept.PatientId, inboundId,
            new { inboundId, checkInId, kept.Outcome, kept.Detail }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (apply ? KeptDecision.Applied : KeptDecision.Dismissed, null);
    }

    private sealed class KeptRow
    {
        public string Outcome { get; init; } = "";
        public string? Detail { get; init; }
        public DateTime ReceivedAt { get; init; }
        public string? Subject { get; init; }
        public string? BodyText { get; init; }
        public string? Decision { get; init; }
        public string? DecidedBy { get; init; }
        public DateTime? DecidedAt { get; init; }
        public long? CheckInId { get; init; }
        public long CourseId { get; init; }
        public long PatientId { get; init; }
        public int OffsetDays { get; init; }
        public string CourseStatus { get; init; } = "";
    }

    // Locks the kept message, so two decisions on it cannot both be taken.
    private const string LockKept = """
        SELECT m.outcome, m.detail, m.received_at, m.subject, m.body_text, m.decision, m.decided_by, m.decided_at, m.check_in_id,
               ci.course_id, c.patient_id, ci.offset_days, c.status AS course_status
        FROM inbound_messages m LEFT JOIN check_ins ci ON ci.id = m.check_in_id LEFT JOIN courses c ON c.id = ci.course_id
        WHERE m.id = @inboundId
        FOR UPDATE OF m
        """;
}
