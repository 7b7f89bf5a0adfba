using FollowUp.CheckIns;
using FollowUp.Languages;
using FollowUp.Mail;
using FollowUp.Schedules;

namespace FollowUp.Tests.CheckIns;

/// <summary>The links a check-in email carries to the web face's patient pages, and the setting they come from.</summary>
public class PatientLinksTests
{
    private static readonly ClinicOptions Clinic = new() { Name = "Clinic", FromAddress = "checkins@clinic.test", ReplyAddress = "replies@clinic.test" };
    private static readonly ReplyToken Tokens = new(new byte[32]);

    private static CheckInToSend CheckIn(string language = "en", OutgoingKind kind = OutgoingKind.CheckIn) => new()
    {
        Kind = kind, Id = 9, CheckInId = 9, Sequence = 2, OffsetDays = 14, PatientName = "Dana", PatientEmail = "dana@example.org", Language = language,
        ReminderNumber = kind == OutgoingKind.Reminder ? 1 : 0,
    };

    [Fact]
    public void With_a_public_address_the_check_in_and_its_reminder_link_the_answer_page_and_one_click_unsubscribe()
    {
        var token = Tokens.Create('c', 9);
        foreach (var kind in new[] { OutgoingKind.CheckIn, OutgoingKind.Reminder })
        {
            var message = CheckInEmail.Build(CheckIn(kind: kind), Schedule.Default, Clinic, "en", Tokens, DateTimeOffset.UnixEpoch, "https://followup.clinic.test/");

            Assert.Equal($"<mailto:replies+{token}@clinic.test?subject=STOP>, <https://followup.clinic.test/unsubscribe?token={token}>", message.Headers["List-Unsubscribe"]);
            Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
            Assert.Contains($"Or answer with a few taps on this page:\nhttps://followup.clinic.test/answer?token={token}\n", message.TextBody, StringComparison.Ordinal);
            Assert.Contains($"<a href=\"https://followup.clinic.test/answer?token={token}\">Answer on the web</a>", message.HtmlBody, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_a_public_address_the_email_keeps_the_mailto_unsubscribe_only_and_no_web_link()
    {
        foreach (var none in new[] { null, "", "  " })
        {
            var message = CheckInEmail.Build(CheckIn(), Schedule.Default, Clinic, "en", Tokens, DateTimeOffset.UnixEpoch, none);

            Assert.Equal($"<mailto:replies+{Tokens.Create('c', 9)}@clinic.test?subject=STOP>", message.Headers["List-Unsubscribe"]);
            Assert.Null(message.Headers["List-Unsubscribe-Post"]);
            Assert.DoesNotContain("/answer?token=", message.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("/answer?token=", message.HtmlBody, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("de", "Oder antworten Sie mit ein paar Klicks auf dieser Seite:")]
    [InlineData("pt", "Ou responda com alguns toques nesta página:")]
    public void The_answer_link_is_introduced_in_the_patients_language(string language, string line)
    {
        var message = CheckInEmail.Build(CheckIn(language), Schedule.Default, Clinic, "en", Tokens, DateTimeOffset.UnixEpoch, "https://followup.clinic.test");

        Assert.Contains(line, message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_language_has_every_word_of_the_patient_pages()
    {
        foreach (var wording in Wording.All)
        {
            var web = wording.Web;
            var words = typeof(WebWording).GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => (p.Name, Value: (string)p.GetValue(web)!));
            foreach (var (name, value) in words) Assert.False(string.IsNullOrWhiteSpace(value), $"{wording.Code}: web.{name} is empty");
            Assert.Equal(4, web.Phq2Choices.Length);
            Assert.Contains("{since}", web.Heading, StringComparison.Ordinal);
            Assert.Contains("{clinic_name}", web.UnsubscribeText, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("https://followup.clinic.test", null)]
    [InlineData("http://127.0.0.1:5080", null)]
    [InlineData("", null)]
    [InlineData("http://followup.clinic.test", "must be https for a host that is not loopback")]
    [InlineData("followup.clinic.test", "must be the absolute http(s) address")]
    [InlineData("https://followup.clinic.test/?x=1", "without ?query or #fragment")]
    public void The_public_address_is_optional_for_the_emails_but_checked_when_given(string url, string? problem)
    {
        var problems = new PatientPagesOptions { PublicUrl = url }.Validate().ToList();

        if (problem is null) Assert.Empty(problems);
        else Assert.Contains(problems, p => p.StartsWith("FollowUp:Web:PublicUrl ", StringComparison.Ordinal) && p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void The_old_unsubscribe_url_setting_is_refused_with_where_the_page_is_now()
    {
        var problem = Assert.Single(new DispatchOptions { UnsubscribeUrl = "https://clinic.test/u" }.Validate());

        Assert.Contains("FollowUp:Web:PublicUrl", problem, StringComparison.Ordinal);
    }
}
