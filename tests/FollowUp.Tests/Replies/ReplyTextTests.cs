using FollowUp.Replies;

namespace FollowUp.Tests.Replies;

public class ReplyTextTests
{
    [Fact]
    public void A_top_posted_reply_loses_the_quoted_check_in_and_attribution()
    {
        const string body = """
            Pain 6, mood low

            On Tue, 24 Nov 2026 at 09:30, Test Clinic <checkins@clinic.test> wrote:
            > Hello Dana,
            > Pain: a number from 0 to 10
            """;

        Assert.Equal("Pain 6, mood low", ReplyText.StripQuoted(body));
    }

    [Fact]
    public void A_bottom_posted_reply_keeps_only_the_new_text()
    {
        const string body = """
            On 2026-11-24 09:30, Test Clinic <checkins@clinic.test> wrote:
            > Pain: a number from 0 to 10 (example: Pain 3, mood good)

            Pain 5, slept badly.
            """;

        Assert.Equal("Pain 5, slept badly.", ReplyText.StripQuoted(body));
    }

    [Fact]
    public void An_attribution_wrapped_over_two_lines_is_removed()
    {
        const string body = "Pain 2\n\nOn Tue, 24 Nov 2026 at 09:30, Sunrise Massage Clinic <checkins@clinic.test>\nwrote:\n> Pain 3, mood good";

        Assert.Equal("Pain 2", ReplyText.StripQuoted(body));
    }

    [Fact]
    public void Outlook_history_and_phone_signatures_are_cut()
    {
        Assert.Equal("pain 4", ReplyText.StripQuoted("pain 4\n\nSent from my iPhone\n\nOn … wrote:\n> Pain 9"));
        Assert.Equal("Pain 4", ReplyText.StripQuoted("Pain 4\r\n\r\n-----Original Message-----\r\nFrom: Clinic\r\nPain 9"));
        Assert.Equal("Pain 4", ReplyText.StripQuoted("Pain 4\n\nFrom: Test Clinic <checkins@clinic.test>\nSent: Tuesday, 24 November 2026 09:30\nPain 9"));
    }

    [Fact]
    public void Html_only_mail_gives_its_visible_text_without_the_quoted_block()
    {
        const string html = """
            <html><head><style>p{color:red}</style></head><body>
            <div dir="ltr">Pain 6,&nbsp;mood low</div><br>
            <div class="gmail_quote"><div>On Tue wrote:</div><blockquote>Pain: a number from 0 to 10</blockquote></div>
            </body></html>
            """;

        Assert.Equal("Pain 6, mood low", ReplyText.HtmlToText(html).Trim());
    }

    [Theory]
    [InlineData("Pain 4\n\nDa: Test Clinic <checkins@clinic.test>\nInviato: martedì 24 novembre 2026 09:30\nA: dana@example.org\nOggetto: Come sta?\n\nPain: a number from 0 to 10")]
    [InlineData("Pain 4\n\nVan: Test Clinic <checkins@clinic.test>\nVerzonden: dinsdag 24 november 2026 09:30\nAan: dana@example.org\nOnderwerp: Hoe gaat het?\n\nFor example:  Pain 3, mood good")]
    [InlineData("Pain 4\n\n----Messaggio originale----\nDa: checkins@clinic.test\nData: 24/11/2026 9.30\nA: dana@libero.it\nOgg: Come sta?\n\nFor example:  Pain 3, mood good")]
    [InlineData("Pain 4\n\n     On Tuesday, November 24, 2026, 09:30:00 AM GMT, Test Clinic <checkins@clinic.test> wrote:\n\n\n Hello Dana,\n For example:  Pain 3, mood good")]
    [InlineData("Pain 4\n\nOn Tue, 24 Nov 2026 at 09:30,\nSunrise Massage Clinic\n<checkins@clinic.test> wrote:\n> Pain 3, mood good")]
    [InlineData("Pain 4\n\n -----Reply Message-----\nFrom: Test Clinic <checkins@clinic.test>\nPain 3, mood good")]
    [InlineData("Pain 4\n\n-----Antwort Nachricht-----\nVon: Test Clinic\nPain 3, mood good")]
    [InlineData("Pain 4\n\nFra: Test Clinic <checkins@clinic.test>\nSendt: 24. november 2026 09:30\nTil: dana@example.org\nPain 3")]
    [InlineData("Pain 4\n\n  *From:* Test Clinic <checkins@clinic.test>\n  *Sent:* Tuesday, 24 November 2026 09:30\nPain 3")]
    [InlineData("Pain 4\n\nDate: Tue, 24 Nov 2026 09:30\nFrom: Test Clinic <checkins@clinic.test>\nPain 3")]
    [InlineData("Pain 4\n\nOp di 24 nov. 2026 om 09:30 schreef Test Clinic <checkins@clinic.test>:\n> Pain 3")]
    [InlineData("Pain 4\n\nwt., 24 lis 2026 o 09:30 Test Clinic <checkins@clinic.test> napisał(a):\n> Pain 3")]
    [InlineData("Pain 4\n\nDen tis 24 nov. 2026 kl 09:30 skrev Test Clinic <checkins@clinic.test>:\n> Pain 3")]
    [InlineData("Pain 4\n\nвт, 24 нояб. 2026 г. в 09:30, Test Clinic <checkins@clinic.test>:\n> Pain 3")]
    [InlineData("Pain 4\n\nVào Th 3, 24 thg 11, 2026 vào lúc 09:30 Test Clinic <checkins@clinic.test> đã viết:\n> Pain 3")]
    [InlineData("Pain 4\n\n---- Test Clinic wrote ----\nPain 3")]
    [InlineData("Pain 4\n\nSent from Mailbox for iPhone")]
    [InlineData("Pain 4\n\nInviato da iPhone")]
    [InlineData("Pain 4 On Tue, 24 Nov 2026 at 09:30, Test Clinic <checkins@clinic.test> wrote:\n> Pain 3")]
    public void Quoted_history_of_every_client_and_language_is_cut(string body)
    {
        Assert.Equal("Pain 4", ReplyText.StripQuoted(body));
    }

    [Theory]
    [InlineData("Here is my answer.\n\nSent from my desk, which is much easier than my phone.")]
    [InlineData("Pain 4\n>>> https://example.org/my-exercises <<<")]
    public void The_patient_s_own_lines_that_look_like_markers_are_kept(string body)
    {
        Assert.Equal(body, ReplyText.StripQuoted(body));
    }

    [Fact]
    public void Answers_typed_under_each_quoted_question_are_labelled_with_it()
    {
        const string body = """
            On Tue, 24 Nov 2026 at 09:30, Test Clinic <checkins@clinic.test> wrote:
            > Hello Dana,
            > Pain: a number from 0 to 10 for your back pain over the past week
            >       (0 = no pain, 10 = worst pain imaginable)
            5
            > Mood: how your mood has been (for example good, okay or low, or a number from 0 = very low to 10 = very good)
            good, thanks
            >
            > For example:  Pain 3, mood good
            """;

        Assert.Equal("Pain: 5\nMood: good, thanks", ReplyText.StripQuoted(body));
    }

    [Fact]
    public void An_html_body_that_is_all_blockquote_keeps_its_text()
    {
        var message = new MimeKit.MimeMessage { Body = new MimeKit.TextPart("html") { Text = "<html><body><blockquote>Pain 3, mood good</blockquote></body></html>" } };

        Assert.Equal("Pain 3, mood good", ReplyText.BodyOf(message));
    }

    [Fact]
    public void Answers_typed_between_the_quoted_questions_of_an_html_reply_are_read_under_their_questions_and_the_example_line_never()
    {
        const string html = """
            <html><body><div>See below</div><div class="gmail_quote"><div class="gmail_attr">On Mon, 30 Nov 2026 at 10:00, Test Clinic &lt;checkins@clinic.test&gt; wrote:<br></div>
            <blockquote class="gmail_quote"><div>Pain: how is your pain this week, from 0 (no pain) to 10 (worst pain imaginable)?</div></blockquote>
            <div>6</div>
            <blockquote class="gmail_quote"><div>Mood: how is your mood (good / okay / low)?</div></blockquote>
            <div><span style="color:#1f497d">a bit low</span></div>
            <blockquote class="gmail_quote"><div>For example: "Pain: 3, mood: okay"</div></blockquote></div></body></html>
            """;
        var message = new MimeKit.MimeMessage { Body = new MimeKit.TextPart("html") { Text = html } };

        var answer = Answer.Parse(ReplyText.StripQuoted(ReplyText.BodyOf(message)));

        Assert.Equal((6, "low"), (answer.Pain!.Value, answer.MoodWord));
    }

    [Fact]
    public void An_html_body_that_is_all_the_quoted_check_in_with_answers_typed_inside_it_reads_nothing_rather_than_its_example_line()
    {
        const string html = """
            <html><body><blockquote><div>Pain: how is your pain this week, from 0 (no pain) to 10 (worst pain imaginable)?</div>
            <div><span style="color:red">5</span></div><div>Mood: how is your mood (good / okay / low)?</div>
            <div>For example: "Pain: 3, mood: okay"</div></blockquote></body></html>
            """;
        var message = new MimeKit.MimeMessage { Body = new MimeKit.TextPart("html") { Text = html } };

        Assert.Equal("", ReplyText.BodyOf(message));
    }
}
