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
}
