using FollowUp.Mail;

namespace FollowUp.Tests.CheckIns;

public class ReplyTokenTests
{
    private static readonly ReplyToken Tokens = new("a-secret-key-of-at-least-32-characters!"u8.ToArray());

    [Fact]
    public void A_token_stands_for_its_check_in()
    {
        var token = Tokens.Create('c', 42);

        Assert.Equal(42, Tokens.Verify(token, 'c'));
        Assert.Equal(42, Tokens.Verify(token.ToUpperInvariant(), 'c'));
        Assert.Matches("^c42-[a-z2-7]{16}$", token);
    }

    [Fact]
    public void A_token_with_another_id_or_a_changed_tag_is_refused()
    {
        var token = Tokens.Create('c', 42);
        var otherId = "c43" + token[3..];
        var otherTag = token[..^1] + (token[^1] == 'a' ? 'b' : 'a');

        Assert.Null(Tokens.Verify(otherId, 'c'));
        Assert.Null(Tokens.Verify(otherTag, 'c'));
        Assert.Null(Tokens.Verify(token, 'a'));
        Assert.Null(Tokens.Verify("c42", 'c'));
        Assert.Null(Tokens.Verify("c-1-abc", 'c'));
        Assert.Null(Tokens.Verify("", 'c'));
    }

    [Fact]
    public void A_token_made_with_another_key_is_refused()
    {
        var stranger = new ReplyToken("another-secret-key-of-32-characters-or-more"u8.ToArray());

        Assert.Null(Tokens.Verify(stranger.Create('c', 42), 'c'));
    }

    [Fact]
    public void The_token_is_read_from_a_plus_address_of_the_replies_mailbox_only()
    {
        Assert.Equal("c1-abc", ReplyToken.FromAddress("replies+c1-abc@clinic.test", "replies"));
        Assert.Equal("c1-abc", ReplyToken.FromAddress("Replies+c1-abc@clinic.test", "replies"));
        Assert.Null(ReplyToken.FromAddress("other+c1-abc@clinic.test", "replies"));
        Assert.Null(ReplyToken.FromAddress("replies@clinic.test", "replies"));
    }
}
