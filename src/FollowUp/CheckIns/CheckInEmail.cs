using FollowUp.Languages;
using FollowUp.Mail;
using FollowUp.Schedules;
using MimeKit;

namespace FollowUp.CheckIns;

/// <summary>A claimed queued email (a check-in, a reminder, a clarification) with what it needs to say.</summary>
internal sealed class CheckInToSend
{
    public OutgoingKind Kind { get; init; }
    /// <summary>The claimed row, in the table of its <see cref="Kind"/>.</summary>
    public long Id { get; init; }
    public long CheckInId { get; init; }
    public int ReminderNumber { get; init; }
    public int Sequence { get; init; }
    public int OffsetDays { get; init; }
    public bool AsksPhq2 { get; init; }
    public bool AsksMood { get; init; }
    public DateTime? ExpiresAt { get; init; }
    /// <summary>The check-in's own one reminder (a confirming check-in), so many days after it was sent; null: the schedule's reminders.</summary>
    public int? RemindAfterDays { get; init; }
    public long CourseId { get; init; }
    public long ScheduleId { get; init; }
    public long PatientId { get; init; }
    public string PatientName { get; init; } = "";
    public string PatientEmail { get; init; } = "";
    public string TimeZone { get; init; } = "UTC";
    /// <summary>The patient's language (patients.language); null: enrolled before it was asked, so the clinic's.</summary>
    public string? Language { get; init; }
    public DateOnly EndedOn { get; init; }
    public string? TherapistName { get; init; }
    /// <summary>A clarification's subject and In-Reply-To: those of the reply it answers.</summary>
    public string? Subject { get; init; }
    public string? InReplyTo { get; init; }
    /// <summary>What the check-in still waits for after its reply (check_ins.awaiting): what a clarification asks again.</summary>
    public string[]? Awaiting { get; init; }

    public bool IsReminder => Kind == OutgoingKind.Reminder;

    /// <summary>The language to write to this patient in.</summary>
    public string LanguageOr(string clinicLanguage) => Language ?? clinicLanguage;
}

/// <summary>Builds the check-in email from the schedule's templates. Pure: the same inputs give the same message.</summary>
internal static class CheckInEmail
{
    /// <summary>The email for a clinic whose language is English.</summary>
    public static MimeMessage Build(CheckInToSend checkIn, Schedule schedule, ClinicOptions clinic, ReplyToken tokens, DateTimeOffset now, string? publicUrl) =>
        Build(checkIn, schedule, clinic, "en", tokens, now, publicUrl);

    // publicUrl: the web face's address (FollowUp:Web:PublicUrl); the email then links its answer and one-click
    // unsubscribe pages. Null or empty: the reply address and the mailto: unsubscribe only.
    public static MimeMessage Build(CheckInToSend checkIn, Schedule schedule, ClinicOptions clinic, string clinicLanguage, ReplyToken tokens, DateTimeOffset now, string? publicUrl)
    {
        // A reminder carries its check-in's token: whichever email the patient answers, the reply lands on the check-in.
        var token = tokens.Create('c', checkIn.CheckInId);
        var replyTo = $"{clinic.ReplyLocalPart}+{token}@{clinic.ReplyDomain}";
        var (answerUrl, unsubscribeUrl) = PatientLinks.For(publicUrl, token);
        // The patient's language, or the clinic's when the schedule's own templates have no version in it.
        var language = Templates.LanguageFor(schedule, checkIn.LanguageOr(clinicLanguage), clinicLanguage);
        var wording = Wording.For(language);
        var (subject, text, html) = Templates.Render(schedule, new TemplateModel
        {
            PatientName = checkIn.PatientName,
            TherapistName = schedule.MinimalPhi ? "" : checkIn.TherapistName ?? "",
            ClinicName = clinic.Name,
            Since = wording.SinceCourse(checkIn.OffsetDays),
            EndedOn = wording.Date(checkIn.EndedOn),
            OffsetDays = checkIn.OffsetDays,
            AsksPhq2 = checkIn.AsksPhq2,
            AsksMood = checkIn.AsksMood,
            IsReminder = checkIn.IsReminder,
            ReminderNumber = checkIn.ReminderNumber,
            QuestionLines = Questions.Lines(checkIn.AsksPhq2, checkIn.AsksMood, language),
        }, language, clinicLanguage, answerUrl);
        var message = new MimeMessage { Date = now, Subject = subject };
        message.From.Add(clinic.From);
        message.To.Add(new MailboxAddress(checkIn.PatientName, checkIn.PatientEmail));
        message.ReplyTo.Add(new MailboxAddress(clinic.Name, replyTo));
        // Our own id, derived from the token (and the reminder's number): a re-send after a crash carries the same id,
        // and a reply's In-Reply-To leads back to this check-in even when a client drops the plus address.
        message.MessageId = checkIn.IsReminder ? ReminderMessageIdFor(token, checkIn.ReminderNumber, clinic) : MessageIdFor(token, clinic);
        // RFC 3834: this is automatic mail; well-behaved auto-responders will not answer it.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        // Outlook/Exchange: do not send out-of-office or delivery receipts back.
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        // RFC 2369 mailto (reaches the inbox as a STOP); RFC 8058 one-click when the web face has a public address.
        if (unsubscribeUrl is null)
            message.Headers.Add(HeaderId.ListUnsubscribe, $"<mailto:{replyTo}?subject=STOP>");
        else
        {
            message.Headers.Add(HeaderId.ListUnsubscribe, $"<mailto:{replyTo}?subject=STOP>, <{unsubscribeUrl}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        // RFC 3282: the language the patient reads (a MIME header, so on the body, where a parser looks for it).
        message.Body.Headers.Replace(HeaderId.ContentLanguage, language);
        return message;
    }

    public static string MessageIdFor(string token, ClinicOptions clinic) => $"checkin.{token}@{clinic.ReplyDomain}";

    public static string ReminderMessageIdFor(string token, int number, ClinicOptions clinic) => $"reminder{number}.{token}@{clinic.ReplyDomain}";
}
