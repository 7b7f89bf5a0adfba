using System.Globalization;
using System.Text;
using FollowUp.Mail;
using MimeKit;

namespace FollowUp.Alerts;

/// <summary>
/// The email a patient gets at once when a reply mentions self-harm: that a person at the clinic has been told, and
/// the crisis contacts the clinic configured. It never promises a reply time, since the mailbox is not watched for
/// emergencies (design brief). Pure.
/// </summary>
internal static class CrisisEmail
{
    public static MimeMessage Build(long alertId, string patientName, string patientEmail, ClinicOptions clinic, AlertOptions options, DateTimeOffset now)
    {
        var message = new MimeMessage { Date = now };
        message.From.Add(clinic.From);
        message.To.Add(new MailboxAddress(patientName, patientEmail));
        message.Subject = $"{clinic.Name}: if you need help now";
        message.MessageId = $"crisis.{alertId}.{now.ToUnixTimeSeconds()}@{clinic.ReplyDomain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Dear {patientName},");
        text.AppendLine();
        text.AppendLine("Thank you for your reply. Something you wrote made us want to be sure you know where to get help.");
        text.AppendLine("Your therapist has been told, but this email address is not watched for emergencies, so please");
        text.AppendLine("do not wait for us if you feel unsafe:");
        text.AppendLine();
        foreach (var contact in options.CrisisContacts.Where(c => !string.IsNullOrWhiteSpace(c))) text.AppendLine(CultureInfo.InvariantCulture, $"  * {contact.Trim()}");
        text.AppendLine();
        text.AppendLine("With care,");
        text.AppendLine(clinic.Name);
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }
}
