using Dapper;
using FollowUp.Alerts;
using FollowUp.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

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
    ILogger<ReplyIntake> logger)
{
    private const int MaxStoredText = 64 * 1024;

    internal async Task<InboundOutcome?> RecordedOutcomeAsync(InboundKey key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var outcome = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT outcome FROM inbound_messages WHERE mailbox = @Mailbox AND uid_validity = @UidValidity AND uid = @Uid",
            new { key.Mailbox, UidValidity = (long)key.UidValidity, Uid = (long)key.Uid }, cancellationToken: cancellationToken));
        return outcome is null ? null : Parse(outcome);
    }

    internal Task<InboundOutcome> RejectAsync(InboundKey key, HeaderList headers, string reason, CancellationToken cancellationToken) =>
        StoreAsync(key, new Inbound(InboundOutcome.Rejected, reason, null, headers, "", null), answer: null, cancellationToken);

    internal async Task<InboundOutcome> AcceptAsync(InboundKey key, MimeMessage message, CancellationToken cancellationToken)
    {
        var body = Truncate(ReplyText.BodyOf(message));
        if (Automatic.IsDeliveryReport(message))
            return await StoreAsync(key, await BounceAsync(message, body, cancellationToken), null, cancellationToken);
        if (Automatic.IsAutoReply(message))
            return await StoreAsync(key, new Inbound(InboundOutcome.AutoReply, "automatic reply", null, message.Headers, body, message), null, cancellationToken);

        // Issue 6: a therapist's reply to an alert (token kind 'a'), e.g. "ACK"; handled in Alerts/, filed as Processed.
        if (await acknowledgement.TryAcceptAsync(message, ReplyText.StripQuoted(body), cancellationToken) is { } ack)
            return await StoreAsync(key, new Inbound(ack.Accepted ? InboundOutcome.Answer : InboundOutcome.Unmatched, ack.Detail, null, message.Headers, body, message), null, cancellationToken);

        var match = await MatchAsync(message, cancellationToken);
        if (match.CheckIn is null)
            return await StoreAsync(key, new Inbound(InboundOutcome.Unmatched, match.Why, null, message.Headers, body, message), null, cancellationToken);

        var ownText = ReplyText.StripQuoted(body);
        var answer = Answer.Parse(ownText, message.Subject);
        var outcome = answer.OptOut ? InboundOutcome.OptOut : InboundOutcome.Answer;
        var detail = answer.OptOut ? "patient asked to stop" : answer.HasAnything ? match.Why : $"{match.Why}; no pain score or mood found";
        return await StoreAsync(key, new Inbound(outcome, detail, match.CheckIn, message.Headers, body, message) { OwnText = ownText }, answer, cancellationToken);
    }

    private sealed record Inbound(InboundOutcome Outcome, string Detail, CheckInRef? CheckIn, HeaderList Headers, string Body, MimeMessage? Message)
    {
        public string OwnText { get; init; } = "";
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
        var recipientTokens = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
            .Concat(message.Headers.Where(h => h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase) || h.Field.Equals("X-Original-To", StringComparison.OrdinalIgnoreCase))
                .Select(h => h.Value.Trim().Trim('<', '>')))
            .Select(a => ReplyToken.FromAddress(a, clinic.ReplyLocalPart))
            .Where(t => t is not null).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
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
        if (original is not null)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            checkIn = await connection.QueryFirstOrDefaultAsync<CheckInRef>(new CommandDefinition(ByMessageId, new { ids = new[] { original } }, cancellationToken: cancellationToken));
        }
        return new Inbound(InboundOutcome.Bounce, $"delivery report: action {action} {code}".Trim(), checkIn, message.Headers, body, message);
    }

    private async Task<InboundOutcome> StoreAsync(InboundKey key, Inbound inbound, Answer? answer, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var messageId = inbound.Message?.MessageId ?? inbound.Headers[HeaderId.MessageId];
        var outcome = inbound.Outcome;
        var detail = inbound.Detail;
        if (outcome is InboundOutcome.Answer or InboundOutcome.OptOut && messageId is not null
            && await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SeenBefore, new { messageId }, transaction, cancellationToken: cancellationToken)))
        {
            // The same email again (copied, or the server reset UIDVALIDITY): record it, change nothing.
            outcome = InboundOutcome.Duplicate;
            detail = "same Message-ID as a message already processed";
        }
        var outcomeName = Name(outcome);
        var inboundId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(InsertInbound, new
        {
            key.Mailbox,
            UidValidity = (long)key.UidValidity,
            Uid = (long)key.Uid,
            messageId,
            now,
            from = Truncate(inbound.Message?.From.Mailboxes.FirstOrDefault()?.Address ?? inbound.Headers[HeaderId.From], 500),
            subject = Truncate(inbound.Message?.Subject ?? inbound.Headers[HeaderId.Subject], 500),
            outcome = outcomeName,
            detail,
            checkInId = inbound.CheckIn?.Id,
            rawHeaders = Truncate(inbound.Headers.ToString()),
            body = inbound.Body,
            folder = InboundFolders.For(outcome),
        }, transaction, cancellationToken: cancellationToken));
        if (inboundId is null)
        {
            // Another worker recorded this very message first; its outcome stands.
            await transaction.RollbackAsync(cancellationToken);
            return await RecordedOutcomeAsync(key, cancellationToken) ?? outcome;
        }

        if (outcome == InboundOutcome.Answer && inbound.CheckIn is { } checkIn && answer is not null)
        {
            if (answer.HasAnything)
            {
                await connection.ExecuteAsync(new CommandDefinition(InsertReply, new
                {
                    checkInId = checkIn.Id,
                    inboundId,
                    now,
                    pain = (short?)answer.Pain,
                    mood = (short?)answer.MoodScore,
                    moodWord = answer.MoodWord,
                    text = Truncate(inbound.OwnText, 8000),
                }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(MarkAnswered, new { id = checkIn.Id }, transaction, cancellationToken: cancellationToken));
                await assessment.AssessAsync(connection, transaction, checkIn.CourseId, cancellationToken);
            }
        }
        else if (outcome == InboundOutcome.OptOut && inbound.CheckIn is { } optingOut)
        {
            var cancelled = await connection.ExecuteAsync(new CommandDefinition(OptOut, new { patientId = optingOut.PatientId, now }, transaction, cancellationToken: cancellationToken));
            Log.OptedOut(logger, optingOut.PatientId, cancelled);
        }
        else if (outcome == InboundOutcome.Bounce && inbound.CheckIn is { } bounced && inbound.Detail.Contains("action failed", StringComparison.OrdinalIgnoreCase))
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkBounced, new { id = bounced.Id, reason = inbound.Detail }, transaction, cancellationToken: cancellationToken));
            await Unreachable.MarkAsync(connection, transaction, bounced.PatientId, inbound.Detail, clock.GetUtcNow(), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        Log.Recorded(logger, inboundId.Value, outcomeName, inbound.CheckIn?.Id);
        Operations.FollowUpMetrics.Reply(outcomeName);
        return outcome;
    }

    private static string Truncate(string? text, int max = MaxStoredText) =>
        text is null ? "" : text.Length <= max ? text : text[..max];

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
        ORDER BY ci.sent_at DESC
        """;

    private const string NewestForSender = $"""
        SELECT {CheckInColumns}
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE lower(p.email) = lower(@sender) AND ci.status IN ('sent', 'answered')
        ORDER BY ci.sent_at DESC
        LIMIT 1
        """;

    private const string SeenBefore = """
        SELECT EXISTS (SELECT 1 FROM inbound_messages WHERE message_id = @messageId AND outcome IN ('answer', 'opt_out'))
        """;

    private const string InsertInbound = """
        INSERT INTO inbound_messages (mailbox, uid_validity, uid, message_id, received_at, from_address, subject,
                                      outcome, detail, check_in_id, raw_headers, body_text, folder)
        VALUES (@Mailbox, @UidValidity, @Uid, @messageId, @now, @from, @subject,
                @outcome, @detail, @checkInId, @rawHeaders, @body, @folder)
        ON CONFLICT (mailbox, uid_validity, uid) DO NOTHING
        RETURNING id
        """;

    private const string InsertReply = """
        INSERT INTO replies (check_in_id, inbound_message_id, received_at, pain, mood_score, mood_word, answer_text)
        VALUES (@checkInId, @inboundId, @now, @pain, @mood, @moodWord, @text)
        """;

    private const string MarkAnswered = """
        UPDATE check_ins SET status = 'answered' WHERE id = @id AND status IN ('sent', 'sending', 'planned')
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
