using Dapper;
using FollowUp.Mail;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Mail;

/// <summary>The token key: refused when guessable, and rotated without losing the replies to emails already sent.</summary>
public class TokenKeyTests
{
    private static List<string> ProblemsWith(string key, params string[] earlier) =>
        new ClinicOptions { Name = "C", FromAddress = "a@c.test", ReplyAddress = "r@c.test", TokenKey = key, PreviousTokenKeys = [.. earlier] }.Validate().ToList();

    [Theory]
    [InlineData("                                ", "must not contain spaces or other whitespace")]
    [InlineData("passwordpasswordpasswordpassword", "must not be one piece repeated (it is 4 times the same 8 characters)")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "must not be one piece repeated (it is 36 times the same 1 characters)")]
    [InlineData("abababababababababababababababababc", "is too easy to guess")]
    [InlineData("ééééééééééééééééé", "must be at least 32 characters (it has 17)")]
    public void A_weak_token_key_is_refused_with_the_reason(string key, string reason)
    {
        var problem = Assert.Single(ProblemsWith(key));

        Assert.StartsWith($"FollowUp:Clinic:TokenKey {reason}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_keys_are_accepted_and_a_weak_earlier_key_is_named()
    {
        Assert.Empty(ProblemsWith("3f9c1a7be24d08c6f5a1e9b37d2c4f60"));
        Assert.Empty(ProblemsWith(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))));
        Assert.Equal("FollowUp:Clinic:PreviousTokenKeys, earlier key 1: must not be one piece repeated (it is 4 times the same 8 characters).",
            Assert.Single(ProblemsWith(Clinic.TokenKey, "passwordpasswordpasswordpassword")));
    }

    [Fact]
    public void The_current_key_signs_and_earlier_keys_still_verify()
    {
        var old = "old-key-7Hq2Lm9Xc4Vb8Nz1Kd5Rf3Tg6Wp0Ys"u8.ToArray();
        var rotated = new ReplyToken("new-key-2Jd8Qw5Ez3Rc7Ty1Ub6In4Om9Pa0Sx"u8.ToArray(), [old]);
        var tokenOfTheOldKey = new ReplyToken(old).Create('c', 7);

        Assert.Equal(7, rotated.Verify(tokenOfTheOldKey, 'c'));
        Assert.Null(new ReplyToken(old).Verify(rotated.Create('c', 7), 'c'));
        Assert.Null(new ReplyToken("new-key-2Jd8Qw5Ez3Rc7Ty1Ub6In4Om9Pa0Sx"u8.ToArray()).Verify(tokenOfTheOldKey, 'c'));
    }

    [Fact]
    public async Task After_the_token_key_is_rotated_a_reply_to_an_earlier_check_in_is_still_matched_by_its_token()
    {
        var monday = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
        DateTimeOffset due = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);
        string connectionString, domain;
        MimeKit.MimeMessage checkIn;
        await using (var before = await Clinic.OpenAsync(monday))
        {
            await before.EnrolAsync("Rui");
            before.Clock.SetUtcNow(due);
            Assert.Equal(1, (await before.Dispatch.SendDueAsync(default)).Sent);
            checkIn = (await new Mailbox(before.Address("rui")).WaitForAsync(1)).Single();
            connectionString = before.ConnectionString;
            domain = before.Domain;
        }

        // The worker restarts with a new key; the old one is kept as an earlier key.
        var rotated = Clinic.Settings(connectionString, domain, new Dictionary<string, string?>
        {
            ["FollowUp:Clinic:TokenKey"] = "rotated-key-6Gh3Jk8Lm1Np5Qr9St2Uv7Wx4Yz",
            ["FollowUp:Clinic:PreviousTokenKeys:0"] = Clinic.TokenKey,
        });
        await using var after = await Clinic.ReopenAsync(connectionString, domain, due.AddHours(2), rotated);
        var reply = Clinic.ReplyTo(checkIn, $"rui@{domain}", "Re: " + checkIn.Subject, "Pain 4, mood okay");
        await Clinic.SendAsync(reply);
        await new Mailbox($"replies@{domain}").WaitForAsync(1);

        await after.Inbox.ReadAsync(default);

        await using var db = await after.Data.OpenConnectionAsync();
        Assert.Equal(4, await db.ExecuteScalarAsync<int?>("SELECT pain FROM replies"));
        Assert.Equal("answered", await db.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE sequence = 1"));
    }
}
