using System.Text;
using Dapper;
using FollowUp.Courses;
using FollowUp.Courses.Import;
using FollowUp.Schedules;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FollowUp.Tests.Languages;

/// <summary>
/// A patient's language reaches every email they get through the real SMTP and IMAP servers: read back from their
/// mailbox as they would read it.
/// </summary>
public class PatientLanguageMailTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_German_patient_enrolled_by_CSV_gets_her_check_in_reminder_and_clarification_in_German()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.Services.GetRequiredService<Therapists>().AddAsync(clinic.Address("sam"), "Sam Taylor", "test", default);
        var schedule = await clinic.Schedules.FindAsync(Schedule.DefaultName, default);
        await clinic.Schedules.SaveAsync(schedule! with { ReminderCount = 1, ReminderSpacingDays = 2 }, "test", default);
        // A German practice's export: its own column names, the language as its name in German.
        var csv = $"""
            Name;E-Mail;Therapeut;Beginn;Ende;Schmerz vorher;Schmerz nachher;Sprache
            Greta Beispiel;{clinic.Address("greta")};{clinic.Address("sam")};2026-10-01;2026-11-02;8;3;Deutsch
            """;
        var columns = new Dictionary<ImportField, string>
        {
            [ImportField.PatientName] = "Name", [ImportField.Therapist] = "Therapeut", [ImportField.StartedOn] = "Beginn", [ImportField.EndedOn] = "Ende",
            [ImportField.PainAtStart] = "Schmerz vorher", [ImportField.PainAtEnd] = "Schmerz nachher",
        };
        var report = await clinic.Services.GetRequiredService<CourseImport>().ImportAsync(Encoding.UTF8.GetBytes(csv), "praxis.csv",
            new ImportSettings { TimeZone = "Europe/Berlin", ColumnMap = columns }, ImportMode.AllOrNothing, "test", null, default);
        Assert.True(report.Stored, string.Join("; ", report.FileProblems.Concat(report.RowProblems.Select(p => p.Problem))));
        var mailbox = new Mailbox(clinic.Address("greta"));

        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await mailbox.WaitForAsync(1)).Single();
        clinic.Clock.Advance(TimeSpan.FromDays(2));
        await clinic.Dispatch.SendDueAsync(default);
        var reminder = (await mailbox.WaitForAsync(2))[1];
        clinic.Clock.Advance(TimeSpan.FromHours(3));
        // Greta answers the mood but not the pain: the clarification asks her, in German, for the pain.
        await Clinic.SendAsync(Clinic.ReplyTo(reminder, clinic.Address("greta"), "AW: " + reminder.Subject, "Stimmung gut, danke"));
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        var clarification = (await mailbox.WaitForAsync(3))[2];

        Assert.Equal("Test Clinic: Wie geht es Ihrem Rücken, eine Woche nach Ihrer Massagebehandlung?", checkIn.Subject);
        Assert.Equal("de", checkIn.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.Contains("Guten Tag Greta Beispiel,", checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains("Ihre Massagebehandlung endete am 2. November 2026", checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains("Schmerz: eine Zahl von 0 bis 10 für Ihre Rückenschmerzen in der letzten Woche", checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains("Zum Beispiel:  Schmerz 3, Stimmung gut", checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains("Antworten Sie mit STOPP", checkIn.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Pain", checkIn.TextBody, StringComparison.Ordinal);
        Assert.Equal("Erinnerung: " + checkIn.Subject, reminder.Subject);
        Assert.Contains("Eine kurze Erinnerung: Ihre Antwort fehlt uns noch.", reminder.TextBody, StringComparison.Ordinal);
        Assert.Equal("Re: AW: " + reminder.Subject, clarification.Subject);
        Assert.Equal("de", clarification.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.Contains("Wir konnten nicht jede Ihrer Antworten sicher lesen.", clarification.TextBody, StringComparison.Ordinal);
        Assert.Contains("Schmerz: eine Zahl von 0 bis 10", clarification.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("We could not", clarification.TextBody, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("de", await db.ExecuteScalarAsync<string>("SELECT language FROM patients"));
    }

    [Fact]
    public async Task A_STOP_from_a_French_patient_gets_the_French_confirmation_and_nothing_after_it()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        await clinic.Enrolment.EnrolAsync(new Enrolment
        {
            PatientName = "Camille Exemple", PatientEmail = clinic.Address("camille"), TimeZone = "Europe/Paris", TherapistEmail = clinic.Address("sam"),
            StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = 7, PainAtEnd = 2, Language = "fr",
        }, default);
        var mailbox = new Mailbox(clinic.Address("camille"));
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await mailbox.WaitForAsync(1)).Single();

        clinic.Clock.Advance(TimeSpan.FromHours(1));
        await Clinic.SendAsync(Clinic.ReplyTo(checkIn, clinic.Address("camille"), "RE: " + checkIn.Subject, "STOP"));
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        var confirmation = (await mailbox.WaitForAsync(2))[1];
        clinic.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 1, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);

        Assert.Equal("Test Clinic : comment va votre dos, une semaine après vos séances de massage ?", checkIn.Subject);
        Assert.Equal("Test Clinic : vous ne recevrez plus d'e-mails", confirmation.Subject);
        Assert.Equal("fr", confirmation.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.Equal(checkIn.ReplyTo.Mailboxes.Single().Address, confirmation.ReplyTo.Mailboxes.Single().Address);
        Assert.Contains("Bonjour Camille Exemple,", confirmation.TextBody, StringComparison.Ordinal);
        // The date of her STOP as a French reader writes it, in her own time zone.
        Assert.Contains("Nous avons bien reçu votre STOP du 9 novembre 2026.", confirmation.TextBody, StringComparison.Ordinal);
        Assert.Equal("auto-replied", confirmation.Headers["Auto-Submitted"]);
        Assert.Equal(2, (await mailbox.MessagesAsync()).Count);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("sent", await db.ExecuteScalarAsync<string>("SELECT status FROM reminders WHERE kind = 'stop_confirmation'"));
    }

    [Fact]
    public async Task A_patient_enrolled_before_languages_were_asked_gets_the_clinics_language()
    {
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?> { ["FollowUp:Clinic:Language"] = "nl" });
        var courseId = await clinic.EnrolAsync("Daan");
        await using (var db = await clinic.Data.OpenConnectionAsync())
            await db.ExecuteAsync("UPDATE patients SET language = NULL");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(clinic.Address("daan")).WaitForAsync(1)).Single();
        var shown = (await clinic.Services.GetRequiredService<CourseQuery>().ShowAsync(courseId, default))!.Course;

        Assert.Equal("nl", checkIn.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.Contains("Pijn: een getal van 0 tot 10", checkIn.TextBody, StringComparison.Ordinal);
        Assert.Equal(("nl", true), (shown.Language, shown.LanguageIsClinics));
    }
}
