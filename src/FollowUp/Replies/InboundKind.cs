using MimeKit;

namespace FollowUp.Replies;

/// <summary>Where a message read from the replies mailbox ends up; each has its own IMAP folder.</summary>
internal enum InboundOutcome { Answer, OptOut, Unmatched, Bounce, AutoReply, Rejected, Duplicate }

internal static class InboundFolders
{
    public static string For(InboundOutcome outcome) => outcome switch
    {
        InboundOutcome.Answer or InboundOutcome.OptOut or InboundOutcome.Duplicate => "Processed",
        InboundOutcome.Unmatched => "Unmatched",
        InboundOutcome.Bounce => "Bounces",
        InboundOutcome.AutoReply => "Auto-replies",
        _ => "Rejected",
    };

    public static readonly string[] All = ["Processed", "Unmatched", "Bounces", "Auto-replies", "Rejected"];
}

/// <summary>Recognises mail that no person wrote. Pure.</summary>
internal static class Automatic
{
    /// <summary>A delivery status notification (RFC 3464): the check-in did not reach the patient.</summary>
    public static bool IsDeliveryReport(MimeMessage message) =>
        message.Body is MultipartReport report && string.Equals(report.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase);

    /// <summary>An automatic reply (RFC 3834 and the headers common auto-responders set): never an answer, never answered.</summary>
    public static bool IsAutoReply(MimeMessage message)
    {
        var autoSubmitted = message.Headers[HeaderId.AutoSubmitted];
        if (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase)) return true;
        if (message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond")) return true;
        var precedence = message.Headers[HeaderId.Precedence]?.Trim().ToLowerInvariant();
        if (precedence is "bulk" or "junk" or "list" or "auto_reply") return true;
        var subject = message.Subject ?? "";
        return OutOfOffice.Any(s => subject.Contains(s, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly string[] OutOfOffice =
        ["out of office", "out of the office", "automatic reply", "auto-reply", "autoreply", "abwesenheit", "automatische antwort", "absence", "fuera de la oficina"];
}
