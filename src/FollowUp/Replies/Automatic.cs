using FollowUp.Languages;
using MimeKit;

namespace FollowUp.Replies;

/// <summary>Recognises mail that no person wrote. Pure.</summary>
internal static class Automatic
{
    /// <summary>A delivery status notification (RFC 3464): the check-in did not reach the patient.</summary>
    public static bool IsDeliveryReport(MimeMessage message) =>
        message.Body is MultipartReport report && string.Equals(report.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase);

    /// <summary>A feedback-loop report (RFC 5965 ARF): a mailbox provider saying its user marked our mail as spam.</summary>
    public static bool IsFeedbackReport(MimeMessage message) =>
        message.Body is MultipartReport report && string.Equals(report.ReportType, "feedback-report", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why a message is an automatic reply (RFC 3834 and the headers common auto-responders set), or null: never an answer, never answered.</summary>
    public static string? AutoReplyReason(MimeMessage message)
    {
        var autoSubmitted = message.Headers[HeaderId.AutoSubmitted];
        if (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
            return $"Auto-Submitted: {Short(autoSubmitted)}";
        foreach (var name in (string[])["X-Autoreply", "X-Autorespond", "X-Autoresponder"])
            if (message.Headers.Contains(name)) return $"{name} header";
        var precedence = message.Headers[HeaderId.Precedence]?.Trim().ToLowerInvariant();
        if (precedence is "bulk" or "junk" or "list" or "auto_reply") return $"Precedence: {precedence}";
        // Return-Path is written by the delivering server from the envelope sender; <> is what responders use (RFC 3834 §3.3).
        var returnPath = message.Headers[HeaderId.ReturnPath];
        if (returnPath is not null && returnPath.Trim() is "<>" or "") return "empty return path";
        // A subject alone is what a person may write too ("Re: … back from holiday"): it takes an away text as well.
        return IsOutOfOfficeSubject(message.Subject) && SaysAway(message) ? "out-of-office subject and text" : null;
    }

    /// <summary>Whether an automatic reply says the person is away (as opposed to a list or a bulk mailer).</summary>
    public static bool IsOutOfOffice(MimeMessage message)
    {
        var autoSubmitted = message.Headers[HeaderId.AutoSubmitted]?.Trim();
        return (IsOutOfOfficeSubject(message.Subject) && SaysAway(message))
               || (autoSubmitted is not null && autoSubmitted.StartsWith("auto-replied", StringComparison.OrdinalIgnoreCase))
               || message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond")
               || string.Equals(message.Headers[HeaderId.Precedence]?.Trim(), "auto_reply", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the start of the text says the writer is away, as responders word it.</summary>
    private static bool SaysAway(MimeMessage message)
    {
        var text = message.TextBody ?? message.HtmlBody ?? "";
        var start = text.Length > 600 ? text[..600] : text;
        var folded = Lexicon.Fold(start);
        return AwayText.Any(s => folded.Contains(s, StringComparison.Ordinal));
    }

    private static bool IsOutOfOfficeSubject(string? subject) =>
        subject is not null && Lexicon.Fold(subject) is var folded && OutOfOffice.Any(s => folded.Contains(s, StringComparison.Ordinal));

    /// <summary>
    /// Our own mail coming back (a check-in or clarification forwarded or reflected to the replies box, or any mail
    /// carrying our X-Loop): answering it would start a loop.
    /// </summary>
    public static string? LoopReason(MimeMessage message, FollowUp.Mail.ClinicOptions clinic)
    {
        if (message.Headers.Where(h => h.Id == HeaderId.Unknown && h.Field.Equals("X-Loop", StringComparison.OrdinalIgnoreCase))
            .Any(h => h.Value.Contains(clinic.ReplyAddress, StringComparison.OrdinalIgnoreCase)))
            return "mail loop: X-Loop names this mailbox";
        var from = message.From.Mailboxes.FirstOrDefault()?.Address;
        if (from is not null && (from.Equals(clinic.FromAddress, StringComparison.OrdinalIgnoreCase) || from.Equals(clinic.ReplyAddress, StringComparison.OrdinalIgnoreCase)))
            return "mail loop: sent from the clinic's own address";
        var id = message.MessageId;
        if (id is not null && id.EndsWith("@" + clinic.ReplyDomain, StringComparison.OrdinalIgnoreCase)
            && (id.StartsWith("checkin.", StringComparison.Ordinal) || id.StartsWith("clarify.", StringComparison.Ordinal)))
            return "mail loop: one of our own messages came back";
        return null;
    }

    private static string Short(string value) => value.Trim().Length > 40 ? value.Trim()[..40] : value.Trim();

    // How responders word it, in every language of Languages/ (autoReplySubjects, awayText), matched folded.
    private static readonly string[] AwayText = Lexicon.Union(l => l.AwayText);

    private static readonly string[] OutOfOffice = Lexicon.Union(l => l.AutoReplySubjects);
}
