using FollowUp.Alerts;
using FollowUp.CheckIns;
using FollowUp.Courses;
using FollowUp.Languages;
using FollowUp.Mail;
using FollowUp.Replies;
using FollowUp.Schedules;
using MimeKit;

namespace FollowUp.Tests.Languages;

/// <summary>
/// Every email FollowUp writes to a patient, in each language it writes: the built-in templates render whole in every
/// language, and the answer example each check-in shows is what the reader reads in that language.
/// </summary>
public class OutgoingLanguageTests
{
    public static TheoryData<string> Languages() => new(PatientLanguage.Codes);

    private static readonly ClinicOptions Clinic = new() { Name = "Example Clinic", FromAddress = "checkins@clinic.test", ReplyAddress = "replies@clinic.test" };
    private static readonly ReplyToken Tokens = new(new byte[32]);
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);

    private static CheckInToSend Item(string language, OutgoingKind kind = OutgoingKind.CheckIn, bool phq2 = true, string[]? awaiting = null, string? subject = null) => new()
    {
        Kind = kind, Id = 7, CheckInId = 7, Sequence = 2, OffsetDays = 14, AsksPhq2 = phq2, AsksMood = true, ReminderNumber = kind == OutgoingKind.Reminder ? 1 : 0,
        PatientName = "Dana Example", PatientEmail = "dana@example.org", TimeZone = "Europe/Berlin", TherapistName = "Sam Taylor",
        Language = language, EndedOn = new DateOnly(2026, 11, 17), Awaiting = awaiting, Subject = subject,
    };

    private static void AssertWhole(MimeMessage message, string language)
    {
        Assert.Equal(language, message.Body!.Headers[HeaderId.ContentLanguage]);
        Assert.False(string.IsNullOrWhiteSpace(message.Subject));
        foreach (var part in new[] { message.Subject, message.TextBody, message.HtmlBody }.OfType<string>())
        {
            // Nothing left of a template or a placeholder, and the patient's and clinic's names where they belong.
            Assert.DoesNotContain("{{", part, StringComparison.Ordinal);
            Assert.DoesNotContain("{%", part, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\{[a-z_]+\}", part);
        }
    }

    [Theory]
    [InlineData("Re: My depression is back, fibromyalgia flare", "Re: Example Clinic: your reply")]
    [InlineData("ugh", "Re: Example Clinic: your reply")]
    [InlineData("AW: Erinnerung: Example Clinic: Wie geht es Ihrem Rücken, 2 Wochen nach Ihrer Massagebehandlung?", "Re: AW: Erinnerung: Example Clinic: Wie geht es Ihrem Rücken, 2 Wochen nach Ihrer Massagebehandlung?")]
    [InlineData("RE: Example Clinic : comment va votre dos ?", "RE: Example Clinic : comment va votre dos ?")]
    public void A_clarification_keeps_the_reply_s_subject_only_while_it_is_still_the_clinic_s_own(string replySubject, string expected)
    {
        var item = Item("en", OutgoingKind.Clarification, awaiting: ["pain"], subject: replySubject);

        Assert.Equal(expected, ClarificationEmail.Build(item, Clinic, "en", Tokens, Now, minimalPhi: false).Subject);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_built_in_email_renders_whole_in_every_language(string language)
    {
        var wording = Wording.For(language);
        var english = Wording.For("en");
        var checkIn = CheckInEmail.Build(Item(language), Schedule.Default, Clinic, "en", Tokens, Now, null);
        var reminder = CheckInEmail.Build(Item(language, OutgoingKind.Reminder, phq2: false), Schedule.Default, Clinic, "en", Tokens, Now, null);
        var clarification = ClarificationEmail.Build(Item(language, OutgoingKind.Clarification, awaiting: ["pain", "phq2_b"]) , Clinic, "en", Tokens, Now, minimalPhi: false);
        var untitled = ClarificationEmail.Build(Item(language, OutgoingKind.Clarification), Clinic, "en", Tokens, Now, minimalPhi: false);
        var stopped = StopConfirmationEmail.Build(Item(language, OutgoingKind.StopConfirmation), Clinic, "en", Tokens, Now);
        var crisis = CrisisEmail.Build(3, "Dana Example", "dana@example.org", language, Clinic, new AlertOptions { CrisisContacts = ["Samaritans: 116 123"] }, Now);

        foreach (var message in new[] { checkIn, reminder, clarification, untitled, stopped, crisis }) AssertWhole(message, language);
        // Were the quoted email left in a reply by a mail program FollowUp cannot strip, none of its words asks to stop.
        foreach (var message in new[] { checkIn, reminder, clarification, untitled, stopped, crisis })
            Assert.False(Answer.Parse(message.TextBody ?? "").OptOut, $"{language} {message.Subject}");
        Assert.Contains("Dana Example", checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains("Sam Taylor", checkIn.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(wording.CheckIn.Emergency, checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains(wording.CheckIn.Stop, checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains(wording.Questions.Interest, checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains(wording.Questions.ExamplePainMoodPhq2, checkIn.TextBody, StringComparison.Ordinal);
        // The course's end, as the patient's culture writes a date ("17. November 2026", "17 de noviembre de 2026").
        Assert.Contains(wording.Date(new DateOnly(2026, 11, 17)), checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains(wording.SinceCourse(14), checkIn.Subject, StringComparison.Ordinal);
        Assert.NotEqual(checkIn.Subject, reminder.Subject);
        Assert.Contains(wording.CheckIn.Reminder, reminder.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(wording.Questions.Phq2Stem, reminder.TextBody, StringComparison.Ordinal);
        // The clarification asks for just what is missing: the pain and the second PHQ-2 item, in the patient's words.
        Assert.Contains(wording.Questions.Pain, clarification.TextBody, StringComparison.Ordinal);
        Assert.Contains(wording.Questions.Down, clarification.TextBody, StringComparison.Ordinal);
        Assert.Contains(wording.CheckIn.Emergency, clarification.TextBody, StringComparison.Ordinal);
        Assert.StartsWith("Re: Example Clinic", untitled.Subject, StringComparison.Ordinal);
        Assert.Contains("  * Samaritans: 116 123", crisis.TextBody, StringComparison.Ordinal);
        Assert.Contains(wording.Date(new DateOnly(2026, 12, 1)), stopped.TextBody, StringComparison.Ordinal);
        if (language != "en")
            foreach (var (ours, theirs) in new[] { (checkIn.Subject, english.CheckIn.Subject), (stopped.Subject, english.StopConfirmation.Subject), (crisis.Subject, english.Crisis.Subject) })
                Assert.NotEqual(theirs.Replace("{clinic_name}", "Example Clinic", StringComparison.Ordinal), ours);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void The_example_answer_each_check_in_shows_typed_back_as_the_reply_is_read_right(string language)
    {
        var wording = Wording.For(language);
        foreach (var phq2 in new[] { true, false })
        {
            var text = CheckInEmail.Build(Item(language, phq2: phq2), Schedule.Default, Clinic, "en", Tokens, Now, null).TextBody!;
            var example = text.Split('\n').Single(l => l.StartsWith(wording.Questions.ForExample, StringComparison.Ordinal))[wording.Questions.ForExample.Length..].Trim();

            var answer = Answer.Parse(example);

            Assert.Equal(((int?)3, "good"), (answer.Pain, answer.MoodWord));
            Assert.Equal(phq2 ? (0, 1) : ((int?)null, (int?)null), (answer.Phq2A, answer.Phq2B));
            Assert.Empty(answer.Unread(phq2));
        }
        // A clarification that asks only for the PHQ-2 shows the PHQ-2 example: read too.
        var again = Questions.Again(["phq2_a", "phq2_b"], language)[^1][wording.Questions.ForExample.Length..].Trim();
        Assert.Equal(((int?)0, (int?)1), (Answer.Parse(again).Phq2A, Answer.Parse(again).Phq2B));
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void A_reply_that_quotes_the_check_in_questions_without_marks_is_not_read_as_their_example(string language)
    {
        // Some webmail quotes without '>': the check-in's own question lines, in any language, are never the patient's answer.
        var answer = Answer.Parse("Pain 6\n\n" + string.Join("\n", Questions.Lines(asksPhq2: true, asksMood: true, language)));

        Assert.Equal(6, answer.Pain);
        Assert.Null(answer.MoodWord);
    }

    [Theory]
    [InlineData("de", "de")]
    [InlineData("DE", "de")]
    [InlineData("German", "de")]
    [InlineData("Deutsch", "de")]
    [InlineData("allemand", "de")]
    [InlineData("de-AT", "de")]
    [InlineData("fr_CA", "fr")]
    [InlineData("Français", "fr")]
    [InlineData("francais", "fr")]
    [InlineData("Español", "es")]
    [InlineData("spanish", "es")]
    [InlineData("Italiano", "it")]
    [InlineData("Dutch", "nl")]
    [InlineData("Nederlands", "nl")]
    [InlineData("pt-BR", "pt")]
    [InlineData("Português", "pt")]
    [InlineData(" en ", "en")]
    public void A_language_is_given_by_its_code_a_locale_or_its_name(string given, string code) =>
        Assert.Equal(code, PatientLanguage.Parse(given));

    [Theory]
    [InlineData("klingon")]
    [InlineData("da")]
    [InlineData("Polski")]
    [InlineData("e")]
    public void A_language_FollowUp_does_not_write_is_refused_at_enrolment_naming_the_supported_codes(string given)
    {
        Assert.Null(PatientLanguage.Parse(given));
        var enrolment = new Enrolment
        {
            PatientName = "Dana", PatientEmail = "dana@example.org", TimeZone = "Europe/London", TherapistEmail = "sam@clinic.test",
            StartedOn = new DateOnly(2026, 10, 1), EndedOn = new DateOnly(2026, 11, 5), PainAtStart = 8, Language = given,
            Consent = new FollowUp.DataProtection.EnrolmentConsent("in_person", null, null, null),
        };

        var problem = Assert.Single(enrolment.Problems(new DateOnly(2026, 11, 6)));
        Assert.Equal($"language '{given}' is not a language FollowUp writes; use en, de, fr, es, it, nl or pt (or the language's name, e.g. German or Deutsch)", problem);
    }

    [Fact]
    public void The_clinic_language_setting_is_validated_with_the_key_and_the_supported_codes()
    {
        Assert.Empty(new ClinicLanguageOptions { Language = "Deutsch" }.Validate());
        Assert.Equal("de", new ClinicLanguageOptions { Language = "Deutsch" }.Code);
        var problem = Assert.Single(new ClinicLanguageOptions { Language = "xx" }.Validate());
        Assert.StartsWith("FollowUp:Clinic:Language 'xx' is not a language FollowUp writes; use en, de, fr, es, it, nl or pt", problem, StringComparison.Ordinal);
    }
}
