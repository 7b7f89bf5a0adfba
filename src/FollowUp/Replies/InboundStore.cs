using System.Data.Common;
using System.Text.Json;
using Dapper;
using FollowUp.Alerts;
using FollowUp.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.Replies;

/// <summary>Identity of a message on the IMAP server; UIDs mean nothing without the UIDVALIDITY they belong to.</summary>
internal sealed record InboundKey(string Mailbox, uint UidValidity, uint Uid);

/// <summary>What a therapist's decision on a kept reply came to.</summary>
internal enum KeptDecision { Applied, Dismissed, NotFound, NotKept, AlreadyDecided, CourseWithdrawn, NewerAnswer, StoredAnswer }

/// <summary>What recording one message did: its outcome, and the email it queued to answer it (a clarification or a STOP confirmation, a row of reminders, to send once the transaction commits).</summary>
internal sealed record Stored(InboundOutcome Outcome, long? InboundId, long? CheckInId, long? Clarification);

/// <summary>
/// Records a decided inbound message with its consequences (the reply, the check-in's and patient's state, the
/// assessment and its alerts, the audit rows) in the caller's transaction: the inbox records a chunk in one.
/// The only writer of inbound_messages and replies.
/// </summary>
internal sealed class InboundStore(NpgsqlDataSource dataSource, TimeProvider clock, Assessment assessment, IOptions<InboxOptions> inboxOptions, ILogger<InboundStore> logger)
{
    // 900 characters are at most 2,700 bytes of UTF-8; RFC 5322 lines end at 998 characters anyway.
    private const int MaxMessageIdLength = 900;

    private const int MaxStoredText = 64 * 1024;

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

    public async Task<Stored> RecordAsync(DbConnection connection, DbTransaction transaction, InboundKey key, Inbound inbound, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var messageId = inbound.Message?.MessageId ?? inbound.Headers[HeaderId.MessageId];
        // Indexed, and a btree entry holds at most about 2,700 bytes: a longer (hostile) Message-ID is kept cut, the
        // same way each time, so a copy of it is still found as a duplicate. Cleaned after the cut, which may split a pair.
        if (messageId is { Length: > MaxMessageIdLength }) messageId = messageId[..MaxMessageIdLength];
        messageId = StoredText.Clean(messageId);
        inbound = inbound with { Detail = StoredText.Clean(inbound.Detail)! };
        var checkIn = inbound.CheckIn;
        var storesAnswer = inbound.Outcome == InboundOutcome.Answer && checkIn is not null && inbound.Answer is not null;
        const string duplicateDetail = "same Message-ID as a message already processed";
        var folder = InboundFolders.For(inbound.Outcome);
        var typed = new { action = inbound.Delivery?.ToString().ToLowerInvariant(), matchedBy = inbound.MatchedBy?.ToString() };
        // One round trip: the Message-ID check, the record and its audit row in one statement, and for an answer the
        // lock on its check-in with the reply it may update.
        RecordedInbound recorded;
        StoredReply? before = null;
        var asksPhq2 = false;
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(storesAnswer ? InsertInbound + ";\n" + LockCurrentReply : InsertInbound, new
        {
            key.Mailbox,
            UidValidity = (long)key.UidValidity,
            Uid = (long)key.Uid,
            messageId,
            // The same email again (copied, or the server reset UIDVALIDITY) is recorded as a duplicate, changing nothing.
            checkSeen = inbound.Outcome is not InboundOutcome.Rejected && messageId is not null,
            now,
            from = StoredText.Cut(inbound.Message?.From.Mailboxes.FirstOrDefault()?.Address ?? inbound.Headers[HeaderId.From], 500),
            subject = StoredText.Cut(inbound.Message?.Subject ?? inbound.Headers[HeaderId.Subject], 500),
            outcome = InboundOutcomes.Name(inbound.Outcome),
            detail = inbound.Detail,
            duplicateDetail,
            checkInId = checkIn?.Id,
            courseId = checkIn?.CourseId,
            patientId = checkIn?.PatientId,
            actor = inbound.Actor,
            rawHeaders = StoredText.Cut(StoredText.RawHeaders(inbound.Headers), MaxStoredText),
            body = inbound.Body,
            folder,
            duplicateFolder = InboundFolders.For(InboundOutcome.Duplicate),
            crisis = inbound.Crisis,
            senderProof = inbound.Proof is { } proof ? SenderProofs.Name(proof) : null,
            audit = JsonSerializer.Serialize(new { detail = inbound.Detail, folder, checkInId = checkIn?.Id, typed.action, typed.matchedBy }),
            duplicateAudit = JsonSerializer.Serialize(new { detail = duplicateDetail, folder = InboundFolders.For(InboundOutcome.Duplicate), checkInId = checkIn?.Id }),
        }, transaction, cancellationToken: cancellationToken)))
        {
            recorded = await results.ReadSingleAsync<RecordedInbound>();
            if (storesAnswer)
            {
                before = await results.ReadFirstOrDefaultAsync<StoredReply>();
                asksPhq2 = before?.AsksPhq2 == true;
            }
        }
        // Another worker recorded this very message first: nothing was written here, and its outcome stands.
        if (recorded.Id is not { } inboundId)
            return new Stored(await RecordedOutcomeAsync(connection, transaction, key, cancellationToken) ?? inbound.Outcome, null, null, null);
        var outcome = recorded.Duplicate ? InboundOutcome.Duplicate : inbound.Outcome;
        var clarify = outcome == InboundOutcome.Duplicate || checkIn is null ? null
            : await ConsequencesAsync(connection, transaction, inboundId, inbound, checkIn, before?.Id is null ? null : before, asksPhq2, now, cancellationToken);
        if (outcome is InboundOutcome.Unmatched or InboundOutcome.Unverified or InboundOutcome.Held && inbound.Crisis)
        {
            if ((inbound.Names ?? checkIn) is { } named)
                await RaiseUnappliedCrisisAsync(connection, transaction, inboundId, inbound, named, now, cancellationToken);
            else
                await CrisisWithoutCourse.RaiseAsync(connection, transaction, inboundId,
                    $"Self-harm wording in a message tied to no course (inbound {inboundId} from {StoredText.Cut(inbound.Message?.From.Mailboxes.FirstOrDefault()?.Address, 200)}, sender {(inbound.Proof is { } p ? SenderProofs.Name(p) : "not proved")}: {inbound.Detail}): \"{Excerpt(inbound.OwnText)}\"",
                    new DateTimeOffset(now, TimeSpan.Zero), logger, cancellationToken);
        }
        return new Stored(outcome, inboundId, checkIn?.Id, clarify);
    }

    /// <summary>What a recorded message changes beyond its own record; returns the email it queued to answer it (a clarification, a STOP confirmation), if it did.</summary>
    private async Task<long?> ConsequencesAsync(DbConnection connection, DbTransaction transaction, long inboundId, Inbound inbound, CheckInRef checkIn,
        StoredReply? before, bool asksPhq2, DateTime now, CancellationToken cancellationToken)
    {
        switch (inbound.Outcome)
        {
            case InboundOutcome.Answer when inbound.Answer is { } answer:
                var (unread, crisis) = await StoreAnswerAsync(connection, transaction, checkIn, inboundId, answer, before, asksPhq2, inbound.OwnText, inbound.Actor, now, cancellationToken);
                // A question left unread gets one polite clarification per check-in, ever (never a loop); none after
                // self-harm wording in any of its replies, which a person reads instead.
                if (unread.Length > 0 && !crisis)
                    return await CheckIns.CheckInStates.QueueClarificationAsync(connection, transaction, checkIn.Id, inbound.Message?.Subject, inbound.Message?.MessageId,
                        new DateTimeOffset(now, TimeSpan.Zero), cancellationToken);
                break;
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
    private async Task RaiseUnappliedCrisisAsync(DbConnection connection, DbTransaction transaction, long inboundId, Inbound inbound, CheckInRef named,
        DateTime now, CancellationToken cancellationToken)
    {
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
    /// One reply row per check-in. A second reply updates it: what it gives replaces, what it leaves out stays, a
    /// self-harm flag is never cleared; the change is audited with before and after. The check-in is answered once
    /// every question it asked was read; until then it stays open and names what it waits for. Returns what is still
    /// unread, and whether any reply to it mentions self-harm.
    /// </summary>
    private async Task<(string[] Unread, bool Crisis)> StoreAnswerAsync(DbConnection connection, DbTransaction transaction, CheckInRef checkIn,
        long inboundId, Answer answer, StoredReply? before, bool asksPhq2, string ownText, string actor, DateTime now, CancellationToken cancellationToken)
    {
        var merged = before is null ? answer : answer with
        {
            Pain = answer.Pain ?? before.Pain,
            MoodScore = answer.MoodScore ?? (answer.MoodWord is null ? before.MoodScore : null),
            MoodWord = answer.MoodWord ?? (answer.MoodScore is null ? before.MoodWord : null),
            Phq2A = answer.Phq2A ?? before.Phq2A,
            Phq2B = answer.Phq2B ?? before.Phq2B,
        };
        var crisis = answer.Crisis || before?.CrisisFlag == true;
        var crisisTerms = string.Join(", ", (before?.CrisisTerms?.Split(", ", StringSplitOptions.RemoveEmptyEntries) ?? []).Concat(answer.CrisisTerms).Distinct(StringComparer.Ordinal));
        var status = AnswerNames.Of(merged.Status);
        var text = StoredText.Cut(ownText, 8000);
        // The reply, its audit row, the check-in's and patient's state and the course's readings for the assessment in
        // one round trip.
        var unread = merged.Unread(asksPhq2);
        var answered = ";\n" + (unread.Length == 0 ? CheckInChanges.MarkAnswered : CheckInChanges.AwaitMissing);
        var audit = before is null
            ? JsonSerializer.Serialize(new { checkInId = checkIn.Id, inboundId, merged.Pain, merged.MoodScore, merged.MoodWord, merged.Phq2A, merged.Phq2B, status, crisis, unread })
            : JsonSerializer.Serialize(new
            {
                checkInId = checkIn.Id,
                inboundId,
                before = new { before.Pain, before.MoodScore, before.MoodWord, before.Phq2A, before.Phq2B, status = before.AnswerStatus, crisis = before.CrisisFlag, text = before.AnswerText },
                after = new { merged.Pain, merged.MoodScore, merged.MoodWord, merged.Phq2A, merged.Phq2B, status, crisis, text },
                unread,
            });
        (Assessment.CourseScores, List<PainReading>) loaded;
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition((before is null ? InsertReply : UpdateReply) + answered + ";\n" + Assessment.CourseAndReadings, new
        {
            id = before?.Id,
            checkInId = checkIn.Id,
            inboundId,
            now,
            pain = (short?)merged.Pain,
            mood = (short?)merged.MoodScore,
            moodWord = merged.MoodWord,
            phqA = (short?)merged.Phq2A,
            phqB = (short?)merged.Phq2B,
            status,
            crisis,
            crisisTerms = crisisTerms.Length == 0 ? null : crisisTerms,
            text,
            courseId = checkIn.CourseId,
            patientId = checkIn.PatientId,
            actor,
            audit,
            awaiting = unread,
        }, transaction, cancellationToken: cancellationToken)))
            loaded = await Assessment.ReadAsync(results);
        // On what was read, complete or not: a PHQ-2 or a mood alone can raise an alert.
        await assessment.AssessAsync(connection, transaction, checkIn.CourseId, loaded, cancellationToken);
        return (unread, crisis);
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
            StoredReply? before;
            await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(LockCurrentReply, new { checkInId }, transaction, cancellationToken: cancellationToken)))
                before = await results.ReadFirstOrDefaultAsync<StoredReply>();
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

    private sealed class RecordedInbound
    {
        public long? Id { get; init; }
        public bool Duplicate { get; init; }
    }

    private sealed class StoredReply
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

    // The record of one message with its audit row. A message whose Message-ID was already processed is recorded as
    // a duplicate (the same email again: copied, or the server reset UIDVALIDITY); a message another worker recorded
    // first (same mailbox, UIDVALIDITY and UID) is not recorded again: id is then NULL.
    private const string InsertInbound = $"""
        WITH seen AS (
            SELECT @checkSeen AND EXISTS (SELECT 1 FROM inbound_messages WHERE message_id = @messageId AND outcome NOT IN ('duplicate', 'rejected')) AS duplicate),
        inserted AS (
            INSERT INTO inbound_messages (mailbox, uid_validity, uid, message_id, received_at, from_address, subject,
                                          outcome, detail, check_in_id, raw_headers, body_text, folder, crisis_flag, sender_proof)
            SELECT @Mailbox, @UidValidity, @Uid, @messageId, @now, @from, @subject,
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
    private const string LockCurrentReply = """
        SELECT r.id, r.received_at, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.answer_status, r.crisis_flag, r.crisis_terms, r.answer_text, ci.asks_phq2
        FROM check_ins ci
        LEFT JOIN LATERAL (
            SELECT * FROM replies WHERE check_in_id = ci.id ORDER BY received_at DESC, id DESC LIMIT 1) r ON true
        WHERE ci.id = @checkInId
        FOR UPDATE OF ci
        """;

    private const string InsertReply = $"""
        WITH reply AS (
            INSERT INTO replies (check_in_id, inbound_message_id, received_at, pain, mood_score, mood_word, answer_text,
                                 phq2_a, phq2_b, answer_status, crisis_flag, crisis_terms)
            VALUES (@checkInId, @inboundId, @now, @pain, @mood, @moodWord, @text, @phqA, @phqB, @status, @crisis, @crisisTerms)
            RETURNING id)
        {AuditTrail.InsertInto}
        SELECT @now, @actor, 'reply.stored', @courseId, @patientId, reply.id, @audit::jsonb FROM reply
        """;

    private const string UpdateReply = $"""
        UPDATE replies SET inbound_message_id = @inboundId, updated_at = @now, pain = @pain, mood_score = @mood, mood_word = @moodWord,
                           phq2_a = @phqA, phq2_b = @phqB, answer_status = @status, crisis_flag = @crisis, crisis_terms = @crisisTerms,
                           answer_text = @text
        WHERE id = @id;
        {AuditTrail.InsertInto}
        VALUES (@now, @actor, 'reply.updated', @courseId, @patientId, @id, @audit::jsonb)
        """;
}
