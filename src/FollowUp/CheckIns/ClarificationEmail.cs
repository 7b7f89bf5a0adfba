using FollowUp.Languages;
using FollowUp.Mail;
using FollowUp.Schedules;
using MimeKit;

namespace FollowUp.CheckIns;

/// <summary>
/// The one polite clarification email for a check-in whose reply left a question unread (it asks for those again), queued by the inbox in the
/// transaction that stores the reply (<see cref="CheckInStates.QueueClarificationAsync"/>) and sent by dispatch like
/// every queued email, so a failed send is retried, not lost. At most one per check-in: the queue's row is unique per
/// check-in. It answers the reply (its subject, In-Reply-To), is marked as an automatic reply (RFC 3834 §5) and carries
/// X-Loop, so responders stay quiet and an echo of it is recognised as our own mail.
/// </summary>
internal static partial class ClarificationEmail
{
    // minimalPhi: the schedule's minimal-PHI mode.
    public static MimeMessage Build(CheckInToSend request, ClinicOptions clinic, string clinicLanguage, ReplyToken tokens, DateTimeOffset now, bool minimalPhi)
    {
        var token = tokens.Create('c', request.CheckInId);
        var replyTo = $"{clinic.ReplyLocalPart}+{token}@{clinic.ReplyDomain}";
        var language = request.LanguageOr(clinicLanguage);
        var wording = Wording.For(language);
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["clinic_name"] = clinic.Name };
        // The reply's subject, as a reply keeps it, only while it is still ours ("AW: Clinic: how is your back…"): a subject
        // the patient wrote ("my depression is back") is theirs, and would be shown on a lock screen, read by whoever
        // shares the address and kept with the sent email longer than their raw message. Ours in their language then,
        // and always under minimal PHI.
        var subject = !minimalPhi && OursStill(request.Subject, clinic.Name) is { } kept ? kept : wording.Fill(wording.Clarification.Subject, names);
        var message = new MimeMessage
        {
            Date = now,
            Subject = subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}",
            MessageId = $"clarify.{token}@{clinic.ReplyDomain}",
        };
        message.From.Add(clinic.From);
        message.To.Add(MailboxAddress.Parse(request.PatientEmail));
        message.ReplyTo.Add(new MailboxAddress(clinic.Name, replyTo));
        names["questions"] = string.Join("\n", Questions.Again(request.Awaiting, language));
        Answering(message, request.InReplyTo, clinic, wording.Fill(wording.Clarification.Text, names), language);
        return message;
    }

    private static string? OursStill(string? subject, string clinicName)
    {
        if (string.IsNullOrWhiteSpace(subject)) return null;
        var trimmed = subject.Trim();
        var bare = ReplyPrefix().Replace(trimmed, "");
        // Every subject FollowUp writes starts "Clinic:" or "Clinic :", after at most a reminder's word ("Erinnerung: ").
        var at = bare.IndexOf(clinicName, StringComparison.OrdinalIgnoreCase);
        return at is >= 0 and <= 16 && bare[(at + clinicName.Length)..].TrimStart().StartsWith(':') ? trimmed : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:(?:re|aw|sv|vs|antw|rif|r|res|fw|fwd|wg|tr|rv)\s*(?:\[\d+\])?\s*:\s*)+", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex ReplyPrefix();

    /// <summary>
    /// What makes an email the answer to a patient's own message (a clarification, a STOP confirmation): in its thread,
    /// marked as an automatic reply with X-Loop so responders stay quiet, and a plain-text body in the patient's language.
    /// </summary>
    internal static void Answering(MimeMessage message, string? inReplyTo, ClinicOptions clinic, string text, string language)
    {
        if (inReplyTo is { Length: > 0 })
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        message.Headers.Add("X-Loop", clinic.ReplyAddress);
        message.Body = new TextPart("plain") { Text = text + "\n" };
        // RFC 3282: the language the patient reads (a MIME header, so on the body, where a parser looks for it).
        message.Body.Headers.Replace(HeaderId.ContentLanguage, language);
    }
}
