using FollowUp.Alerts;
using FollowUp.Mail;
using MimeKit;

namespace FollowUp.Replies;

/// <summary>The Action field of a delivery status notification (RFC 3464 §2.3.3).</summary>
internal enum DeliveryAction { Failed, Delayed, Delivered, Relayed, Expanded, Unknown }

/// <summary>What a delivery report says about the message it reports on: typed, with the text kept for people.</summary>
internal sealed record DeliveryReport(DeliveryAction Action, string Status, string? OriginalMessageId)
{
    /// <summary>"delivery report: action failed 5.1.1", as stored in inbound_messages.detail.</summary>
    public string Detail => $"delivery report: action {(Action == DeliveryAction.Unknown ? RawAction : Action.ToString().ToLowerInvariant())} {Status}".Trim();

    /// <summary>The Action field as the report wrote it, for the detail text when it is none of RFC 3464's five.</summary>
    public string RawAction { get; init; } = "unknown";

    public static DeliveryAction ParseAction(string? action) => action?.Trim().ToLowerInvariant() switch
    {
        "failed" => DeliveryAction.Failed,
        "delayed" => DeliveryAction.Delayed,
        "delivered" => DeliveryAction.Delivered,
        "relayed" => DeliveryAction.Relayed,
        "expanded" => DeliveryAction.Expanded,
        _ => DeliveryAction.Unknown,
    };
}

/// <summary>What kind of mail an inbound message is, before anyone looks for its check-in.</summary>
internal enum InboundKind
{
    /// <summary>A delivery status notification: see <see cref="Classification.Report"/>.</summary>
    DeliveryReport,
    /// <summary>Our own mail coming back, or too many MIME parts to parse: kept aside, never answered.</summary>
    Refused,
    /// <summary>An auto-responder, a list, a bulk mailer: never parsed as an answer, never answered.</summary>
    AutomaticReply,
    /// <summary>Written by a person: an answer or an opt-out once matched to its check-in, else unmatched.</summary>
    Personal,
    /// <summary>A mailbox provider's feedback-loop report (RFC 5965 ARF): see <see cref="Classification.Complaint"/>.</summary>
    Complaint,
}

/// <summary>
/// What a feedback-loop report (RFC 5965) says: its Feedback-Type, and what it shows of the message it reports on (the
/// original's Message-ID and reply tokens, the recipient addresses it names unredacted). Typed, with the text for people.
/// </summary>
internal sealed record FeedbackReport(string FeedbackType, string? Reporter, string? OriginalMessageId)
{
    /// <summary>Addresses in the original's To:/Cc: and the report's Original-Rcpt-To, when not redacted by the provider.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];
    /// <summary>The addresses the original was from, replied to, or listed for unsubscribing: where our reply tokens are.</summary>
    public IReadOnlyList<string> OriginalAddresses { get; init; } = [];

    /// <summary>RFC 5965 §7.3: "abuse" is a recipient's spam complaint; "fraud", "virus", "other", "not-spam" are not.</summary>
    public bool IsComplaint => FeedbackType.Equals("abuse", StringComparison.OrdinalIgnoreCase);

    /// <summary>"complaint report (Feedback-Type abuse) from feedback@arf.mail.yahoo.com", as stored in inbound_messages.detail.</summary>
    public string Detail => $"complaint report (Feedback-Type {FeedbackType}){(Reporter is null ? "" : $" from {Reporter}")}";

    /// <summary>Whether the report names a recipient other than <paramref name="address"/> (a redacted one names none).</summary>
    public bool NamesOtherThan(string address) => Recipients.Any(r => !string.Equals(r, address, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The classifier's verdict on one message. <see cref="Detail"/> is the text people read; decisions read the typed
/// values (<see cref="Kind"/>, <see cref="Report"/>, <see cref="OutOfOffice"/>, <see cref="Answer"/>).
/// </summary>
internal sealed record Classification(InboundKind Kind, string Detail, string Body)
{
    public DeliveryReport? Report { get; init; }
    /// <summary>
    /// A report's Final-Recipient and Original-Recipient addresses (its message/delivery-status part); none when it has
    /// no such part: then it is not a real DSN, and is believed about nobody.
    /// </summary>
    public IReadOnlyList<string> ReportedRecipients { get; init; } = [];

    /// <summary>Whether the report is about a message sent to <paramref name="address"/>.</summary>
    public bool ReportIsAbout(string address) => ReportedRecipients.Any(r => string.Equals(r, address, StringComparison.OrdinalIgnoreCase));
    public bool OutOfOffice { get; init; }
    /// <summary>The patient's own words (quoted history removed); for personal mail only.</summary>
    public string OwnText { get; init; } = "";
    /// <summary>What the own words say (pain, mood, PHQ-2, STOP, self-harm wording); for personal mail only.</summary>
    public Answer? Answer { get; init; }
    /// <summary>The feedback-loop report's facts; for a complaint only.</summary>
    public FeedbackReport? Complaint { get; init; }
}

/// <summary>
/// Decides what an inbound message is from the message alone: delivery report (with its typed action and status),
/// automatic reply, loop, or a person's mail with its answer read. Pure: no database, no server.
/// </summary>
internal static class InboundClassifier
{
    private const int MaxStoredText = 64 * 1024;

    public static Classification Classify(MimeMessage message, ClinicOptions clinic, InboxOptions inbox, CrisisWords crisisWords)
    {
        var body = StoredText.Cut(ReplyText.BodyOf(message), MaxStoredText);
        if (Automatic.IsDeliveryReport(message))
        {
            var (report, recipients) = ReadReport((MultipartReport)message.Body!);
            return new Classification(InboundKind.DeliveryReport, report.Detail, body) { Report = report, ReportedRecipients = recipients };
        }
        if (Automatic.IsFeedbackReport(message))
        {
            var feedback = ReadFeedback(message, (MultipartReport)message.Body!);
            return new Classification(InboundKind.Complaint, feedback.Detail, body) { Complaint = feedback };
        }
        if (Automatic.LoopReason(message, clinic) is { } loop)
            return new Classification(InboundKind.Refused, loop, body);
        if (message.BodyParts.Take(inbox.MaxMimeParts + 1).Count() > inbox.MaxMimeParts)
            return new Classification(InboundKind.Refused, $"more than {inbox.MaxMimeParts} MIME parts", body);
        if (Automatic.AutoReplyReason(message) is { } automatic)
        {
            // An out-of-office from the patient defers their reminders; any other automatic mail changes nothing.
            var away = Automatic.IsOutOfOffice(message);
            return new Classification(InboundKind.AutomaticReply, away ? $"{automatic}; out of office" : automatic, body) { OutOfOffice = away };
        }
        var ownText = ReplyText.StripQuoted(body);
        return new Classification(InboundKind.Personal, "", body)
        {
            OwnText = ownText,
            Answer = Answer.Parse(ownText, message.Subject, crisisWords),
        };
    }

    /// <summary>
    /// The message/feedback-report part's fields and the original it attaches (message/rfc822, or text/rfc822-headers
    /// when the provider sends only the headers). Providers redact the complainant's address in different ways (Yahoo
    /// and AOL replace it, Outlook.com often drops it): an address that does not parse, or reads "redacted", names nobody.
    /// </summary>
    private static FeedbackReport ReadFeedback(MimeMessage message, MultipartReport report)
    {
        var fields = report.OfType<MessageFeedbackReport>().FirstOrDefault()?.Fields ?? [];
        var original = report.OfType<MessagePart>().Select(p => p.Message).Concat(report.OfType<TextRfc822Headers>().Select(p => p.Message))
            .FirstOrDefault(m => m is not null);
        var recipients = (original is null ? Enumerable.Empty<string>() : original.To.Mailboxes.Concat(original.Cc.Mailboxes).Select(m => m.Address))
            .Concat(fields["Original-Rcpt-To"] is { } rcpt ? [rcpt.Trim().Trim('<', '>')] : [])
            .Where(a => a.Contains('@', StringComparison.Ordinal) && !a.Contains("redacted", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        List<string> addresses = original is null ? [] : original.From.Mailboxes.Concat(original.ReplyTo.Mailboxes).Concat(original.Sender is { } sender ? [sender] : [])
            .Select(m => m.Address)
            .Concat(original.Headers.Where(h => h.Field.Equals("List-Unsubscribe", StringComparison.OrdinalIgnoreCase))
                .SelectMany(h => h.Value.Split(',')).Select(v => v.Trim().Trim('<', '>'))
                .Where(v => v.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)).Select(v => v[7..].Split('?')[0]))
            .ToList();
        return new FeedbackReport(fields["Feedback-Type"]?.Trim() is { Length: > 0 } type ? type : "unknown",
            message.From.Mailboxes.FirstOrDefault()?.Address, string.IsNullOrEmpty(original?.MessageId) ? null : original.MessageId)
        { Recipients = recipients, OriginalAddresses = addresses };
    }

    /// <summary>The first per-recipient status group of the report (the second group, after the per-message one).</summary>
    private static (DeliveryReport Report, List<string> Recipients) ReadReport(MultipartReport report)
    {
        var original = report.OfType<MessagePart>().Select(p => p.Message?.MessageId)
            .Concat(report.OfType<TextRfc822Headers>().Select(p => p.Message?.MessageId))
            .FirstOrDefault(id => !string.IsNullOrEmpty(id));
        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault()?.StatusGroups.Skip(1).FirstOrDefault();
        var action = status?["Action"]?.Trim() ?? "unknown";
        // "rfc822; ivy@example.org" (RFC 3464 section 2.3.2): the address after the type.
        var recipients = new[] { status?["Final-Recipient"], status?["Original-Recipient"] }
            .Select(v => v?.Split(';', 2) is [var type, var address] && type.Trim().Equals("rfc822", StringComparison.OrdinalIgnoreCase) ? address.Trim().Trim('<', '>') : null)
            .OfType<string>().Where(a => a.Length > 0).ToList();
        return (new DeliveryReport(DeliveryReport.ParseAction(action), status?["Status"]?.Trim() ?? "", original) { RawAction = action }, recipients);
    }
}

/// <summary>
/// What is recorded for one message: its outcome and the text people read, the check-in it is about, and the typed
/// facts the store acts on (<see cref="Answer"/>, <see cref="Delivery"/>, <see cref="OutOfOffice"/>).
/// </summary>
internal sealed record Inbound(InboundOutcome Outcome, string Detail, CheckInRef? CheckIn, HeaderList Headers, string Body, MimeMessage? Message)
{
    public string OwnText { get; init; } = "";
    public Answer? Answer { get; init; }
    public bool Crisis { get; init; }
    public DeliveryAction? Delivery { get; init; }
    public bool OutOfOffice { get; init; }
    public MatchedBy? MatchedBy { get; init; }
    /// <summary>
    /// The check-in a message names although it is not applied to it (another sender, unverified, forged): self-harm
    /// wording in it still goes to that course's therapist.
    /// </summary>
    public CheckInRef? Names { get; init; }
    /// <summary>What the clinic's receiving server proved about the sender; null for a message refused before it was read.</summary>
    public SenderProof? Proof { get; init; }
    /// <summary>Who the audit rows name: the inbox, or "web" for an answer or unsubscribe sent from a patient page.</summary>
    public string Actor { get; init; } = "inbox";

    /// <summary>
    /// The outcome of a classified message once the matcher has looked for its check-in. Pure: a person's mail tied
    /// to no check-in is unmatched; tied to one, STOP is an opt-out and anything else an answer.
    /// </summary>
    public static Inbound Decide(Classification classified, ReplyMatch match, MimeMessage message)
    {
        var body = classified.Body;
        switch (classified.Kind)
        {
            case InboundKind.DeliveryReport:
                return new(InboundOutcome.Bounce, match.Refused == NotMatched.NotOurReport ? $"{classified.Detail}; {match.Detail}" : classified.Detail, match.CheckIn, message.Headers, body, message)
                    { Delivery = classified.Report!.Action, MatchedBy = match.By };
            case InboundKind.Complaint:
                // Only a spam complaint about mail FollowUp really sent to that patient suppresses them; any other
                // report (forged, about someone else, not a complaint) is kept unmatched for a person to look at.
                var feedback = classified.Complaint!;
                if (match.CheckIn is { } reported && feedback.IsComplaint)
                    return new(InboundOutcome.Complaint, $"{classified.Detail} about check-in {reported.Id}; {match.Detail}", reported, message.Headers, body, message)
                        { MatchedBy = match.By };
                return new(InboundOutcome.Unmatched, $"{classified.Detail}; {(feedback.IsComplaint ? match.Detail : "not a spam complaint")}; nothing changed",
                    null, message.Headers, body, message);
            case InboundKind.Refused:
                return new(InboundOutcome.Rejected, classified.Detail, null, message.Headers, body, message);
            case InboundKind.AutomaticReply:
                return new(InboundOutcome.AutoReply, classified.Detail, classified.OutOfOffice ? match.CheckIn : null, message.Headers, body, message)
                    { OutOfOffice = classified.OutOfOffice, MatchedBy = classified.OutOfOffice ? match.By : null };
        }
        var answer = classified.Answer!;
        // Kept with its check-in (seen beside it), changing nothing: the therapist confirms with the patient. Unverified:
        // who wrote it is not shown; held: the patient's, but to a withdrawn course or long after the check-in expired.
        if (match.Kept)
            return new(match.Refused == NotMatched.Unverified ? InboundOutcome.Unverified : InboundOutcome.Held,
                    $"{match.Detail}{(answer.Crisis ? "; self-harm wording" : "")}", match.Candidate, message.Headers, body, message)
                { OwnText = classified.OwnText, Crisis = answer.Crisis, MatchedBy = match.By, Names = match.Candidate };
        if (match.CheckIn is null)
            return new(InboundOutcome.Unmatched, match.Detail, null, message.Headers, body, message) { OwnText = classified.OwnText, Crisis = answer.Crisis, Names = match.Candidate };
        if (answer.OptOut)
            return new(InboundOutcome.OptOut, "patient asked to stop", match.CheckIn, message.Headers, body, message)
                { OwnText = classified.OwnText, Crisis = answer.Crisis, Answer = answer, MatchedBy = match.By };
        var doubts = answer.Doubts.Count > 0 ? $" ({string.Join("; ", answer.Doubts)})" : "";
        return new(InboundOutcome.Answer, $"{match.Detail}; {AnswerNames.Of(answer.Status)}{doubts}{(answer.Crisis ? "; self-harm wording" : "")}", match.CheckIn, message.Headers, body, message)
            { OwnText = classified.OwnText, Crisis = answer.Crisis, Answer = answer, MatchedBy = match.By };
    }
}

internal static class AnswerNames
{
    /// <summary>The answer status as stored in replies.answer_status.</summary>
    public static string Of(AnswerStatus status) => status.ToString().ToLowerInvariant();
}
