using FollowUp.Mail;
using MimeKit;

namespace FollowUp.CheckIns;

/// <summary>A claimed check-in with what its email needs to say.</summary>
internal sealed class CheckInToSend
{
    public long Id { get; init; }
    public int Sequence { get; init; }
    public int OffsetDays { get; init; }
    public long PatientId { get; init; }
    public string PatientName { get; init; } = "";
    public string PatientEmail { get; init; } = "";
    public string? TherapistName { get; init; }
}

/// <summary>Builds the check-in email. Pure: the same check-in always gives the same headers and text.</summary>
internal static class CheckInEmail
{
    public static MimeMessage Build(CheckInToSend checkIn, ClinicOptions clinic, ReplyToken tokens, DateTimeOffset now)
    {
        var token = tokens.Create('c', checkIn.Id);
        var replyTo = $"{clinic.ReplyLocalPart}+{token}@{clinic.ReplyDomain}";
        var message = new MimeMessage { Date = now, Subject = $"{clinic.Name}: how is your back, {Weeks(checkIn.OffsetDays)} after your massage course?" };
        message.From.Add(clinic.From);
        message.To.Add(new MailboxAddress(checkIn.PatientName, checkIn.PatientEmail));
        message.ReplyTo.Add(new MailboxAddress(clinic.Name, replyTo));
        // Our own id, derived from the token: a re-send after a crash carries the same id, and a reply's
        // In-Reply-To leads back to this check-in even when a client drops the plus address.
        message.MessageId = MessageIdFor(token, clinic);
        // RFC 3834: this is automatic mail; well-behaved auto-responders will not answer it.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        // Outlook/Exchange: do not send out-of-office or delivery receipts back.
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        message.Headers.Add(HeaderId.ListUnsubscribe, $"<mailto:{replyTo}?subject=STOP>");
        message.Body = new TextPart("plain") { Text = Text(checkIn, clinic) };
        return message;
    }

    public static string MessageIdFor(string token, ClinicOptions clinic) => $"checkin.{token}@{clinic.ReplyDomain}";

    internal static string Weeks(int offsetDays) =>
        offsetDays % 7 == 0 ? (offsetDays == 7 ? "one week" : $"{offsetDays / 7} weeks") : $"{offsetDays} days";

    // Short lines and plain words: many patients read this on a phone, some of them tired or low.
    private static string Text(CheckInToSend checkIn, ClinicOptions clinic) => $"""
        Hello {checkIn.PatientName},

        It is {Weeks(checkIn.OffsetDays)} since your massage course ended. How is your back?
        Please reply to this email with two short answers:

        Pain: a number from 0 to 10 for your back pain over the past week
              (0 = no pain, 10 = worst pain imaginable)
        Mood: how your mood has been (for example good, okay or low, or a number from 0 = very low to 10 = very good)

        For example:  Pain 3, mood good

        Your answer goes to your therapist{(string.IsNullOrWhiteSpace(checkIn.TherapistName) ? "" : $", {checkIn.TherapistName}")}, who reads it during working hours.
        This mailbox is not watched for emergencies. If you need urgent help, call your doctor or the emergency services.

        To stop these emails, reply STOP.

        {clinic.Name}
        """;
}
