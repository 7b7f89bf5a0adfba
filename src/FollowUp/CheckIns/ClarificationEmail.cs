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
    public static MimeMessage Build(CheckInToSend request, ClinicOptions clinic, ReplyToken tokens, DateTimeOffset now)
    {
        var token = tokens.Create('c', request.CheckInId);
        var replyTo = $"{clinic.ReplyLocalPart}+{token}@{clinic.ReplyDomain}";
        var subject = string.IsNullOrWhiteSpace(request.Subject) ? $"{clinic.Name}: your reply" : request.Subject.Trim();
        var message = new MimeMessage
        {
            Date = now,
            Subject = subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : $"Re: {subject}",
            MessageId = $"clarify.{token}@{clinic.ReplyDomain}",
        };
        message.From.Add(clinic.From);
        message.To.Add(MailboxAddress.Parse(request.PatientEmail));
        message.ReplyTo.Add(new MailboxAddress(clinic.Name, replyTo));
        if (request.InReplyTo is { Length: > 0 } inReplyTo)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        message.Headers.Add("X-Loop", clinic.ReplyAddress);
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Thank you for your reply.

                We could not quite read your answer to every question, so here again is what we still need:

                {string.Join("\n", Questions.Again(request.Awaiting))}

                Your message has been kept for your therapist either way. We will not ask again about this check-in.
                This mailbox is not watched for emergencies. If you need urgent help, call your doctor or the emergency services.

                {clinic.Name}
                """,
        };
        return message;
    }
}
