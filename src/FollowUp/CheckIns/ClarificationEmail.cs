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
internal static class ClarificationEmail
{
    // minimalPhi: the schedule's minimal-PHI mode. The patient's own subject may hold a score or their words, which a
    // lock screen would show, so ours is used instead.
    public static MimeMessage Build(CheckInToSend request, ClinicOptions clinic, string clinicLanguage, ReplyToken tokens, DateTimeOffset now, bool minimalPhi)
    {
        var token = tokens.Create('c', request.CheckInId);
        var replyTo = $"{clinic.ReplyLocalPart}+{token}@{clinic.ReplyDomain}";
        var language = request.LanguageOr(clinicLanguage);
        var wording = Wording.For(language);
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["clinic_name"] = clinic.Name };
        // The patient's own subject, as a reply keeps it; ours in their language when they left it empty.
        var subject = minimalPhi || string.IsNullOrWhiteSpace(request.Subject) ? wording.Fill(wording.Clarification.Subject, names) : request.Subject.Trim();
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
