using Dapper;
using FollowUp.Alerts;
using FollowUp.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;
using System.Text.Json;

namespace FollowUp.Replies;

/// <summary>Identity of a message on the IMAP server; UIDs mean nothing without the UIDVALIDITY they belong to.</summary>
internal sealed record InboundKey(string Mailbox, uint UidValidity, uint Uid);

/// <summary>
/// Decides what an inbound message is (delivery report, automatic reply, opt-out, answer), which check-in it belongs
/// to, and stores it with its consequences (reply, assessment, alert) in one transaction.
/// </summary>
public sealed class ReplyIntake(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    IOptions<ClinicOptions> clinicOptions,
    ReplyToken tokens,
    Assessment assessment,
    Acknowledgement acknowledgement,
    ILogger<ReplyIntake> logger,
    IOptions<InboxOptions> inboxOptions,
    Clarification clarification)
{
    private const string Actor = "inbox";

    private const int MaxStoredText = 64 * 1024;

    // 900 characters are at most 2,700 bytes of UTF-8; RFC 5322 lines end at 998 characters anyway.
    private const int MaxMessageIdLength = 900;

    internal async Task<InboundOutcome?> RecordedOutcomeAsync(InboundKey key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var outcome = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT outcome FROM inbound_messages WHERE mailbox = @Mailbox AND uid_validity = @UidValidity AND uid = @Uid",
            new { key.Mailbox, UidValidity = (long)key.UidValidity, Uid = (long)key.Uid }, cancellationToken: cancellationToken));
        return outcome is null ? null : Parse(outcome);
    }

    /// <summary>The recorded outcome of each of <paramref name="uids"/> that has one: one query for a whole chunk.</summary>
    internal async Task<Dictionary<uint, InboundOutcome>> RecordedOutcomesAsync(string mailbox, uint uidValidity, uint[] uids, CancellationToken cancellationToken)
    {
        if (uids.Length == 0) return [];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Uid, string Outcome)>(new CommandDefinition(
            "SELECT uid, outcome FROM inbound_messages WHERE mailbox = @mailbox AND uid_validity = @uidValidity AND uid = ANY(@uids)",
            new { mailbox, uidValidity = (long)uidValidity, uids = uids.Select(u => (long)u).ToArray() }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => (uint)r.Uid, r => Parse(r.Outcome));
    }

    /// <summary>The UIDVALIDITY this mailbox had when a message was last recorded, if any.</summary>
    internal async Task<uint?> LastUidValidityAsync(string mailbox, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var last = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT uid_validity FROM inbound_messages WHERE mailbox = @mailbox ORDER BY id DESC LIMIT 1", new { mailbox }, cancellationToken: cancellationToken));
        return last is { } value ? (uint)value : null;
    }

    internal Task<InboundOutcome> RejectAsync(InboundKey key, HeaderList headers, string reason, CancellationToken cancellationToken) =>
        StoreAsync(key, new Inbound(InboundOutcome.Rejected, reason, null, headers, "", null), answer: null, cancellationToken);

    internal async Task<InboundOutcome> AcceptAsync(InboundKey key, MimeMessage message, CancellationToken cancellationToken)
    {
        var body = Truncate(ReplyText.BodyOf(message));
        if (Automatic.IsDeliveryReport(message))
            return await StoreAsync(key, await BounceAsync(message, body, cancellationToken), null, cancellationToken);
        if (Automatic.LoopReason(message, clinicOptions.Value) is { } loop)
            return await StoreAsync(key, new Inbound(InboundOutcome.Rejected, loop, null, message.Headers, body, message), null, cancellationToken);
        var parts = message.BodyParts.Take(inboxOptions.Value.MaxMimeParts + 1).Count();
        if (parts > inboxOptions.Value.MaxMimeParts)
            return await StoreAsync(key, new Inbound(InboundOutcome.Rejected, $"more than {inboxOptions.Value.MaxMimeParts} MIME parts", null, message.Headers, body, message), null, cancellationToken);
        if (Automatic.AutoReplyReason(message) is { } automatic)
        {
            // Never parsed as an answer, never answered. An out-of-office from the patient defers their reminders.
            var outOfOffice = Automatic.IsOutOfOffice(message);
            var ofCheckIn = outOfOffice ? (await MatchAsync(message, cancellationToken)).CheckIn : null;
            return await StoreAsync(key, new Inbound(InboundOutcome.AutoReply, outOfOffice ? $"{automatic}; out of office" : automatic, ofCheckIn, message.Headers, body, message),
                null, cancellationToken);
        }

        // Issue 6: a therapist's reply to an alert (token kind 'a'), e.g. "ACK"; handled in Alerts/, filed as Processed.
        if (await acknowledgement.TryAcceptAsync(message, ReplyText.StripQuoted(body), cancellationToken) is { } ack)
            return await StoreAsync(key, new Inbound(ack.Accepted ? InboundOutcome.Answer : InboundOutcome.Unmatched, ack.Detail, null, message.Headers, body, message), null, cancellationToken);

        var match = await MatchAsync(message, cancellationToken);
        var ownText = ReplyText.StripQuoted(body);
        if (match.CheckIn is null)
        {
            var unmatched = new Inbound(InboundOutcome.Unmatched, match.Why, null, message.Headers, body, message)
            {
                OwnText = ownText,
                Crisis = CrisisWords.Find(Answer.Normalize(ownText)).Count > 0,
            };
            return await StoreAsync(key, unmatched, null, cancellationToken);
        }

        var answer = Answer.Parse(ownText, message.Subject);
        var outcome = answer.OptOut ? InboundOutcome.OptOut : InboundOutcome.Answer;
        var detail = answer.OptOut ? "patient asked to stop"
            : $"{match.Why}; {Name(answer.Status)}{(answer.Doubts.Count > 0 ? $" ({string.Join("; ", answer.Doubts)})" : "")}{(answer.Crisis ? "; self-harm wording" : "")}";
        return await StoreAsync(key, new Inbound(outcome, detail, match.CheckIn, message.Headers, body, message) { OwnText = ownText, Crisis = answer.Crisis }, answer, cancellationToken);
    }

    private sealed record Inbound(InboundOutcome Outcome, string Detail, CheckInRef? CheckIn, HeaderList Headers, string Body, MimeMessage? Message)
    {
        public string OwnText { get; init; } = "";
        public bool Crisis { get; init; }
    }

    internal sealed class CheckInRef
    {
        public long Id { get; init; }
        public long CourseId { get; init; }
        public long PatientId { get; init; }
        public string PatientEmail { get; init; } = "";
        public string Status { get; init; } = "";
    }

    private sealed record Match(CheckInRef? CheckIn, string Why);

    /// <summary>By the token in a recipient address, else by threading headers, else by the sender's newest check-in.</summary>
    private async Task<Match> MatchAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var clinic = clinicOptions.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sender = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";

        CheckInRef? found = null;
        string how;
        var recipientTokens = RecipientTokens(message);
        var verified = recipientTokens.Select(t => tokens.Verify(t, 'c')).FirstOrDefault(id => id is not null);
        if (recipientTokens.Count > 0 && verified is null)
            return new Match(null, "reply token is not valid (tampered or unknown)");
        if (verified is { } checkInId)
        {
            found = await connection.QuerySingleOrDefaultAsync<CheckInRef>(new CommandDefinition(ById, new { id = checkInId }, cancellationToken: cancellationToken));
            how = "matched by reply token";
        }
        else
        {
            var threadIds = new List<string>();
            if (!string.IsNullOrEmpty(message.InReplyTo)) threadIds.Add(message.InReplyTo);
            threadIds.AddRange(message.References);
            if (threadIds.Count > 0)
                found = await connection.QueryFirstOrDefaultAsync<CheckInRef>(new CommandDefinition(ByMessageId, new { ids = threadIds.ToArray() }, cancellationToken: cancellationToken));
            how = "matched by In-Reply-To/References";
            if (found is null && sender.Length > 0)
            {
                found = await connection.QueryFirstOrDefaultAsync<CheckInRef>(new CommandDefinition(NewestForSender, new { sender }, cancellationToken: cancellationToken));
                how = "matched by sender's newest open check-in";
            }
        }
        if (found is null) return new Match(null, "no check-in matches this message");
        // A reply to a check-in we never sent cannot be genuine (old mail, a restored database): keep it aside.
        if (found.Status is "planned" or "cancelled")
            return new Match(null, $"check-in {found.Id} was never sent ({found.Status})");
        // Only the patient may answer for the patient: a forwarded or spoofed reply is kept aside for an admin.
        if (!string.Equals(sender, found.PatientEmail, StringComparison.OrdinalIgnoreCase))
            return new Match(null, $"sender is not the patient of check-in {found.Id}");
        return new Match(found, how);
    }

    /// <summary>Reply tokens in the recipient addresses (To, Cc, and the delivery's Delivered-To / X-Original-To).</summary>
    private List<string> RecipientTokens(MimeMessage message) =>
        message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
            .Concat(message.Headers.Where(h => h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase) || h.Field.Equals("X-Original-To", StringComparison.OrdinalIgnoreCase))
                .Select(h => h.Value.Trim().Trim('<', '>')))
            .Select(a => ReplyToken.FromAddress(a, clinicOptions.Value.ReplyLocalPart))
            .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private async Task<Inbound> BounceAsync(MimeMessage message, string body, CancellationToken cancellationToken)
    {
        var report = (MultipartReport)message.Body!;
        var original = report.OfType<MessagePart>().Select(p => p.Message?.MessageId)
            .Concat(report.OfType<TextRfc822Headers>().Select(p => p.Message?.MessageId))
            .FirstOrDefault(id => !string.IsNullOrEmpty(id));
        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault()?.StatusGroups.Skip(1).FirstOrDefault();
        var action = status?["Action"]?.Trim() ?? "unknown";
        var code = status?["Status"]?.Trim() ?? "";
        CheckInRef? checkIn = null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (original is not null)
            checkIn = await connection.QueryFirstOrDefaultAsync<CheckInRef>(new CommandDefinition(ByMessageId, new { ids = new[] { original } }, cancellationToken: cancellationToken));
        // Check-ins are sent with their reply address as envelope sender (VERP), so a report that does not quote
        // the original still names the check-in in the address it was delivered to.
        if (checkIn is null && RecipientTokens(message).Select(t => tokens.Verify(t, 'c')).FirstOrDefault(id => id is not null) is { } byToken)
            checkIn = await connection.QuerySingleOrDefaultAsync<CheckInRef>(new CommandDefinition(ById, new { id = byToken }, cancellationToken: cancellationToken));
        return new Inbound(InboundOutcome.Bounce, $"delivery report: action {action} {code}".Trim(), checkIn, message.Headers, body, message);
    }

    private async Task<InboundOutcome> StoreAsync(InboundKey key, Inbound inbound, Answer? answer, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var messageId = inbound.Message?.MessageId ?? inbound.Headers[HeaderId.MessageId];
        // Indexed, and a btree entry holds at most about 2,700 bytes: a longer (hostile) Message-ID is kept cut, the
        // same way each time, so a copy of it is still found as a duplicate. Cleaned after the cut, which may split a pair.
        if (messageId is { Length: > MaxMessageIdLength }) messageId = messageId[..MaxMessageIdLength];
        messageId = Clean(messageId);
        inbound = inbound with { Detail = Clean(inbound.Detail)! };
        var checkInOf = inbound.CheckIn;
        var storesAnswer = inbound.Outcome == InboundOutcome.Answer && checkInOf is not null && answer is not null;
        const string duplicateDetail = "same Message-ID as a message already processed";
        // One round trip (docs/performance.md, "Where the time goes"): the Message-ID check, the record and its audit row in one statement,
        // and for an answer the lock on its check-in with the reply it may update.
        RecordedInbound recorded;
        StoredReply? before = null;
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(storesAnswer ? InsertInbound + ";\n" + LockCurrentReply : InsertInbound, new
        {
            key.Mailbox,
            UidValidity = (long)key.UidValidity,
            Uid = (long)key.Uid,
            messageId,
            // The same email again (copied, or the server reset UIDVALIDITY) is recorded as a duplicate, changing nothing.
            checkSeen = inbound.Outcome is not InboundOutcome.Rejected && messageId is not null,
            now,
            from = Truncate(inbound.Message?.From.Mailboxes.FirstOrDefault()?.Address ?? inbound.Headers[HeaderId.From], 500),
            subject = Truncate(inbound.Message?.Subject ?? inbound.Headers[HeaderId.Subject], 500),
            outcome = Name(inbound.Outcome),
            detail = inbound.Detail,
            duplicateDetail,
            checkInId = checkInOf?.Id,
            courseId = checkInOf?.CourseId,
            patientId = checkInOf?.PatientId,
            actor = Actor,
            rawHeaders = Truncate(RawHeaders(inbound.Headers)),
            body = inbound.Body,
            folder = InboundFolders.For(inbound.Outcome),
            duplicateFolder = InboundFolders.For(InboundOutcome.Duplicate),
            crisis = inbound.Crisis,
            audit = JsonSerializer.Serialize(new { detail = inbound.Detail, folder = InboundFolders.For(inbound.Outcome), checkInId = checkInOf?.Id }),
            duplicateAudit = JsonSerializer.Serialize(new { detail = duplicateDetail, folder = InboundFolders.For(InboundOutcome.Duplicate), checkInId = checkInOf?.Id }),
        }, transaction, cancellationToken: cancellationToken)))
        {
            recorded = await results.ReadSingleAsync<RecordedInbound>();
            if (storesAnswer) before = await results.ReadFirstOrDefaultAsync<StoredReply>();
        }
        var outcome = recorded.Duplicate ? InboundOutcome.Duplicate : inbound.Outcome;
        if (recorded.Id is not { } inboundId)
        {
            // Another worker recorded this very message first; its outcome stands.
            await transaction.RollbackAsync(cancellationToken);
            return await RecordedOutcomeAsync(key, cancellationToken) ?? outcome;
        }
        var outcomeName = Name(outcome);

        ClarificationRequest? clarify = null;
        if (outcome == InboundOutcome.Answer && inbound.CheckIn is { } checkIn && answer is not null)
        {
            await StoreAnswerAsync(connection, transaction, checkIn, inboundId, answer, before?.Id is null ? null : before, inbound.OwnText, now, cancellationToken);
            // One polite clarification per check-in, ever (never a loop); not to a reply that mentions self-harm,
            // which a person reads instead.
            if (answer.Status == AnswerStatus.Unclear && !answer.Crisis
                && await connection.ExecuteScalarAsync<long?>(new CommandDefinition(ClaimClarification, new { id = checkIn.Id, now }, transaction, cancellationToken: cancellationToken)) is not null)
                clarify = new ClarificationRequest(checkIn.Id, checkIn.PatientEmail, inbound.Message?.Subject, inbound.Message?.MessageId);
        }
        else if (outcome == InboundOutcome.OptOut && inbound.CheckIn is { } optingOut)
        {
            var cancelled = await connection.ExecuteAsync(new CommandDefinition(OptOut, new { patientId = optingOut.PatientId, now }, transaction, cancellationToken: cancellationToken));
            Log.OptedOut(logger, optingOut.PatientId, cancelled);
        }
        else if (outcome == InboundOutcome.AutoReply && inbound.CheckIn is { } away)
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkOutOfOffice, new { id = away.Id, until = now + inboxOptions.Value.OutOfOfficeDeferral },
                transaction, cancellationToken: cancellationToken));
        }
        else if (outcome == InboundOutcome.Bounce && inbound.CheckIn is { } bounced && inbound.Detail.Contains("action failed", StringComparison.OrdinalIgnoreCase))
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkBounced, new { id = bounced.Id, reason = inbound.Detail }, transaction, cancellationToken: cancellationToken));
            await Unreachable.MarkAsync(connection, transaction, bounced.PatientId, inbound.Detail, clock.GetUtcNow(), cancellationToken);
        }
        else if (outcome == InboundOutcome.Bounce && inbound.CheckIn is { } delayed && inbound.Detail.Contains("action delayed", StringComparison.OrdinalIgnoreCase))
        {
            // A delay is not a refusal: counted, and the address is suppressed only when delays keep coming.
            var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountSoftBounce, new { id = delayed.PatientId }, transaction, cancellationToken: cancellationToken));
            if (count >= inboxOptions.Value.SoftBounceLimit)
                await Unreachable.MarkAsync(connection, transaction, delayed.PatientId, $"{count} delayed delivery reports in a row; last: {inbound.Detail}", clock.GetUtcNow(), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        Log.Recorded(logger, inboundId, outcomeName, inbound.CheckIn?.Id);
        Operations.FollowUpMetrics.Reply(outcomeName);
        if (clarify is not null) await clarification.SendAsync(clarify, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// One reply row per check-in. A second reply updates it: what it gives replaces, what it leaves out stays, a
    /// self-harm flag is never cleared; the change is audited with before and after.
    /// </summary>
    private async Task StoreAnswerAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, CheckInRef checkIn,
        long inboundId, Answer answer, StoredReply? before, string ownText, DateTime now, CancellationToken cancellationToken)
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
        var args = new
        {
            checkInId = checkIn.Id,
            inboundId,
            now,
            pain = (short?)merged.Pain,
            mood = (short?)merged.MoodScore,
            moodWord = merged.MoodWord,
            phqA = (short?)merged.Phq2A,
            phqB = (short?)merged.Phq2B,
            status = Name(merged.Status),
            crisis,
            crisisTerms = crisisTerms.Length == 0 ? null : crisisTerms,
            text = Truncate(ownText, 8000),
        };
        // The reply, its audit row and the check-in's and patient's state in one round trip (docs/performance.md, "Where the time goes").
        var answered = merged.Status != AnswerStatus.Unclear ? ";\n" + MarkAnswered : "";
        if (before is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertReply + answered, new
            {
                args.checkInId, args.inboundId, args.now, args.pain, args.mood, args.moodWord, args.phqA, args.phqB, args.status, args.crisis, args.crisisTerms, args.text,
                courseId = checkIn.CourseId,
                patientId = checkIn.PatientId,
                actor = Actor,
                audit = JsonSerializer.Serialize(new { checkInId = checkIn.Id, inboundId, merged.Pain, merged.MoodScore, merged.MoodWord, merged.Phq2A, merged.Phq2B, status = args.status, crisis }),
            }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            await connection.ExecuteAsync(new CommandDefinition(UpdateReply + answered, new
            {
                id = before.Id, args.checkInId, args.inboundId, args.now, args.pain, args.mood, args.moodWord, args.phqA, args.phqB, args.status, args.crisis, args.crisisTerms, args.text,
                courseId = checkIn.CourseId,
                patientId = checkIn.PatientId,
                actor = Actor,
                audit = JsonSerializer.Serialize(new
                {
                    checkInId = checkIn.Id,
                    inboundId,
                    before = new { before.Pain, before.MoodScore, before.MoodWord, before.Phq2A, before.Phq2B, status = before.AnswerStatus, crisis = before.CrisisFlag, text = before.AnswerText },
                    after = new { merged.Pain, merged.MoodScore, merged.MoodWord, merged.Phq2A, merged.Phq2B, status = args.status, crisis, text = args.text },
                }),
            }, transaction, cancellationToken: cancellationToken));
        }
        await assessment.AssessAsync(connection, transaction, checkIn.CourseId, cancellationToken);
    }

    private sealed class RecordedInbound
    {
        public long? Id { get; init; }
        public bool Duplicate { get; init; }
    }

    private sealed class StoredReply
    {
        public long? Id { get; init; }
        public int? Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
        public int? Phq2A { get; init; }
        public int? Phq2B { get; init; }
        public string AnswerStatus { get; init; } = "";
        public bool CrisisFlag { get; init; }
        public string? CrisisTerms { get; init; }
        public string AnswerText { get; init; } = "";
    }

    internal static string Name(AnswerStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>The headers as they came (folded lines and all), for audit; 8-bit bytes read as UTF-8.</summary>
    private static string RawHeaders(HeaderList headers)
    {
        using var stream = new MemoryStream();
        headers.WriteTo(FormatOptions.Default, stream);
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static string Truncate(string? text, int max = MaxStoredText) =>
        text is null ? "" : Clean(text.Length <= max ? text : text[..max])!;

    /// <summary>
    /// Text as PostgreSQL can store it: a text value cannot hold NUL (SQLSTATE 22021, and jsonb refuses \u0000) and
    /// Npgsql's strict UTF-8 encoder refuses a lone surrogate; a hostile header, encoded-word or body has either.
    /// </summary>
    private static string? Clean(string? text)
    {
        if (text is null || (!text.Contains('\0', StringComparison.Ordinal) && text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)) return text;
        // UTF-8 round trip: lone surrogates become U+FFFD (the default encoder's replacement), pairs stay.
        return System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text.Replace("\0", "", StringComparison.Ordinal)));
    }

    internal static string Name(InboundOutcome outcome) => outcome switch
    {
        InboundOutcome.OptOut => "opt_out",
        InboundOutcome.AutoReply => "auto_reply",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    private static InboundOutcome Parse(string name) =>
        Enum.GetValues<InboundOutcome>().First(o => Name(o) == name);

    private const string CheckInColumns = "ci.id, ci.course_id, ci.status, c.patient_id, p.email AS patient_email";

    private const string ById = $"""
        SELECT {CheckInColumns}
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.id = @id
        """;

    private const string ByMessageId = $"""
        SELECT {CheckInColumns}
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.message_id = ANY(@ids)
           OR ci.id IN (SELECT r.check_in_id FROM reminders r WHERE r.message_id = ANY(@ids))
        ORDER BY ci.sent_at DESC
        """;

    private const string NewestForSender = $"""
        SELECT {CheckInColumns}
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE lower(p.email) = lower(@sender) AND ci.status IN ('sent', 'answered')
        ORDER BY ci.sent_at DESC
        LIMIT 1
        """;

    // The record of one message with its audit row. A message whose Message-ID was already processed is recorded as
    // a duplicate (the same email again: copied, or the server reset UIDVALIDITY); a message another worker recorded
    // first (same mailbox, UIDVALIDITY and UID) is not recorded again: id is then NULL.
    private const string InsertInbound = """
        WITH seen AS (
            SELECT @checkSeen AND EXISTS (SELECT 1 FROM inbound_messages WHERE message_id = @messageId AND outcome NOT IN ('duplicate', 'rejected')) AS duplicate),
        inserted AS (
            INSERT INTO inbound_messages (mailbox, uid_validity, uid, message_id, received_at, from_address, subject,
                                          outcome, detail, check_in_id, raw_headers, body_text, folder, crisis_flag)
            SELECT @Mailbox, @UidValidity, @Uid, @messageId, @now, @from, @subject,
                   CASE WHEN duplicate THEN 'duplicate' ELSE @outcome END, CASE WHEN duplicate THEN @duplicateDetail ELSE @detail END,
                   @checkInId, @rawHeaders, @body, CASE WHEN duplicate THEN @duplicateFolder ELSE @folder END, @crisis
            FROM seen
            ON CONFLICT (mailbox, uid_validity, uid) DO NOTHING
            RETURNING id, outcome),
        audited AS (
            INSERT INTO audit_log (at, actor, kind, course_id, patient_id, subject_id, detail)
            SELECT @now, @actor, 'inbound.' || inserted.outcome, @courseId, @patientId, inserted.id,
                   (CASE WHEN seen.duplicate THEN @duplicateAudit ELSE @audit END)::jsonb
            FROM inserted, seen)
        SELECT inserted.id, seen.duplicate FROM seen LEFT JOIN inserted ON true
        """;

    // Locks the check-in (serialises two readers storing replies to it) and reads its current reply, if any.
    private const string LockCurrentReply = """
        SELECT r.id, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.answer_status, r.crisis_flag, r.crisis_terms, r.answer_text
        FROM check_ins ci
        LEFT JOIN LATERAL (
            SELECT * FROM replies WHERE check_in_id = ci.id ORDER BY received_at DESC, id DESC LIMIT 1) r ON true
        WHERE ci.id = @checkInId
        FOR UPDATE OF ci
        """;

    private const string InsertReply = """
        WITH reply AS (
            INSERT INTO replies (check_in_id, inbound_message_id, received_at, pain, mood_score, mood_word, answer_text,
                                 phq2_a, phq2_b, answer_status, crisis_flag, crisis_terms)
            VALUES (@checkInId, @inboundId, @now, @pain, @mood, @moodWord, @text, @phqA, @phqB, @status, @crisis, @crisisTerms)
            RETURNING id)
        INSERT INTO audit_log (at, actor, kind, course_id, patient_id, subject_id, detail)
        SELECT @now, @actor, 'reply.stored', @courseId, @patientId, reply.id, @audit::jsonb FROM reply
        """;

    private const string UpdateReply = """
        UPDATE replies SET inbound_message_id = @inboundId, updated_at = @now, pain = @pain, mood_score = @mood, mood_word = @moodWord,
                           phq2_a = @phqA, phq2_b = @phqB, answer_status = @status, crisis_flag = @crisis, crisis_terms = @crisisTerms,
                           answer_text = @text
        WHERE id = @id;
        INSERT INTO audit_log (at, actor, kind, course_id, patient_id, subject_id, detail)
        VALUES (@now, @actor, 'reply.updated', @courseId, @patientId, @id, @audit::jsonb)
        """;

    private const string ClaimClarification = """
        UPDATE check_ins SET clarification_sent_at = @now WHERE id = @id AND clarification_sent_at IS NULL RETURNING id
        """;

    private const string MarkOutOfOffice = """
        UPDATE check_ins SET out_of_office_until = GREATEST(COALESCE(out_of_office_until, @until), @until) WHERE id = @id
        """;

    private const string CountSoftBounce = """
        UPDATE patients SET soft_bounces = soft_bounces + 1 WHERE id = @id RETURNING soft_bounces
        """;

    // A clear answer: the check-in is answered, and the patient's address evidently works (delays no longer count).
    private const string MarkAnswered = """
        UPDATE check_ins SET status = 'answered' WHERE id = @checkInId AND status IN ('sent', 'sending', 'planned');
        UPDATE patients SET soft_bounces = 0 WHERE id = @patientId AND soft_bounces <> 0
        """;

    // STOP ends every email to this patient at once: all their planned check-ins are cancelled.
    private const string OptOut = """
        WITH patient AS (
            UPDATE patients SET opted_out_at = COALESCE(opted_out_at, @now) WHERE id = @patientId RETURNING id)
        UPDATE check_ins ci SET status = 'cancelled', failure = 'patient opted out'
        FROM courses c, patient
        WHERE c.id = ci.course_id AND c.patient_id = patient.id AND ci.status IN ('planned', 'sending')
        """;

    private const string MarkBounced = """
        UPDATE check_ins SET status = 'failed', failure = @reason WHERE id = @id AND status = 'sent'
        """;
}
