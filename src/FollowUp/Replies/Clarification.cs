using FollowUp.Mail;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FollowUp.Replies;

/// <summary>A reply we could not read, to be asked about once.</summary>
internal sealed record ClarificationRequest(long CheckInId, string PatientEmail, string? Subject, string? InReplyTo);

/// <summary>
/// The one polite clarification email for a check-in whose reply we could not read. At most once per check-in: the
/// claim (check_ins.clarification_sent_at) commits before the send, so a crash or an SMTP error loses this email
/// rather than ever sending two; a lost one costs only a reminder, a loop would cost the patient's trust.
/// It is marked as an automatic reply (RFC 3834 §5) and carries X-Loop, so responders stay quiet and an echo of it
/// is recognised as our own mail.
/// </summary>
internal sealed class Clarification(IOptions<SmtpOptions> smtpOptions, IOptions<ClinicOptions> clinicOptions, ReplyToken tokens, TimeProvider clock, ILogger<Clarification> logger)
{
    internal async Task SendAsync(ClarificationRequest request, CancellationToken cancellationToken)
    {
        var message = Build(request, clinicOptions.Value, tokens, clock.GetUtcNow());
        try
        {
            var smtp = await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken);
            try
            {
                await smtp.SendAsync(message, cancellationToken);
            }
            finally
            {
                await MailConnections.CloseAsync(smtp);
            }
            Log.ClarificationSent(logger, request.CheckInId);
        }
        catch (Exception e) when (e is IOException or ProtocolException or SmtpCommandException or System.Net.Sockets.SocketException or MailKit.Security.AuthenticationException)
        {
            Log.ClarificationFailed(logger, request.CheckInId, e);
        }
    }

    internal static MimeMessage Build(ClarificationRequest request, ClinicOptions clinic, ReplyToken tokens, DateTimeOffset now)
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

                We could not quite read your answer, so here are the two questions again:

                Pain: a number from 0 to 10 for your back pain over the past week
                      (0 = no pain, 10 = worst pain imaginable)
                Mood: good, okay or low, or a number from 0 = very low to 10 = very good

                For example:  Pain 3, mood good

                Your message has been kept for your therapist either way. We will not ask again about this check-in.
                This mailbox is not watched for emergencies. If you need urgent help, call your doctor or the emergency services.

                {clinic.Name}
                """,
        };
        return message;
    }
}
