using FollowUp.Languages;
using FollowUp.Mail;
using MimeKit;

namespace FollowUp.CheckIns;

/// <summary>
/// The one short email that tells a patient who replied STOP that no more follow-up email will come, in their
/// language, dated in their own time zone: without it a patient cannot tell whether their STOP was heard. Queued by the
/// inbox with the opt-out (<see cref="CheckInStates.QueueStopConfirmationAsync"/>), sent by dispatch like every queued
/// email. It answers the STOP (In-Reply-To) and is marked as an automatic reply, so responders stay quiet. Pure.
/// </summary>
internal static class StopConfirmationEmail
{
    public static MimeMessage Build(CheckInToSend request, ClinicOptions clinic, string clinicLanguage, ReplyToken tokens, DateTimeOffset now)
    {
        var language = request.LanguageOr(clinicLanguage);
        var wording = Wording.For(language);
        var token = tokens.Create('c', request.CheckInId);
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(request.TimeZone));
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["clinic_name"] = clinic.Name,
            ["patient_name"] = request.PatientName,
            ["date"] = wording.Date(DateOnly.FromDateTime(local.DateTime)),
        };
        var message = new MimeMessage
        {
            Date = now,
            Subject = wording.Fill(wording.StopConfirmation.Subject, names),
            MessageId = $"stopped.{token}@{clinic.ReplyDomain}",
        };
        message.From.Add(clinic.From);
        message.To.Add(new MailboxAddress(request.PatientName, request.PatientEmail));
        message.ReplyTo.Add(new MailboxAddress(clinic.Name, $"{clinic.ReplyLocalPart}+{token}@{clinic.ReplyDomain}"));
        ClarificationEmail.Answering(message, request.InReplyTo, clinic, wording.Fill(wording.StopConfirmation.Text, names), language);
        return message;
    }
}
