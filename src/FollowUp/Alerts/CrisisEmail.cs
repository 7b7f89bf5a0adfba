using FollowUp.Languages;
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
    public static MimeMessage Build(long alertId, string patientName, string patientEmail, string language, ClinicOptions clinic, AlertOptions options, DateTimeOffset now)
    {
        var wording = Wording.For(language);
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["clinic_name"] = clinic.Name, ["patient_name"] = patientName };
        var message = new MimeMessage { Date = now };
        message.From.Add(clinic.From);
        message.To.Add(new MailboxAddress(patientName, patientEmail));
        message.Subject = wording.Fill(wording.Crisis.Subject, names);
        message.MessageId = $"crisis.{alertId}.{now.ToUnixTimeSeconds()}@{clinic.ReplyDomain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        // The contacts as the clinic configured them (its own numbers and services, in its own words).
        names["contacts"] = string.Join("\n", options.CrisisContacts.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => $"  * {c.Trim()}"));
        message.Body = new TextPart("plain") { Text = wording.Fill(wording.Crisis.Text, names) + "\n" };
        // RFC 3282: the language the patient reads (a MIME header, so on the body, where a parser looks for it).
        message.Body.Headers.Replace(HeaderId.ContentLanguage, language);
        return message;
    }
}
