using System.Security.Cryptography;
using FollowUp.CheckIns;
using FollowUp.Mail;
using FollowUp.Schedules;
using MimeKit;
using MimeKit.Cryptography;

namespace FollowUp.Tests.CheckIns;

public class CheckInDkimTests
{
    [Fact]
    public async Task A_check_in_signed_with_the_configured_key_verifies_against_its_public_key()
    {
        using var rsa = RSA.Create(2048);
        var keyFile = Path.Combine(Path.GetTempPath(), $"dkim-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, rsa.ExportRSAPrivateKeyPem());
        var options = new DispatchOptions { DkimKeyFile = keyFile, DkimDomain = "clinic.test", DkimSelector = "followup" };
        Assert.Empty(options.Validate());
        var clinic = new ClinicOptions { Name = "Clinic", FromAddress = "checkins@clinic.test", ReplyAddress = "replies@clinic.test" };
        var checkIn = new CheckInToSend { Id = 1, CheckInId = 1, Sequence = 1, OffsetDays = 7, PatientName = "Dana", PatientEmail = "dana@example.org" };
        var message = CheckInEmail.Build(checkIn, Schedule.Default, clinic, new ReplyToken(new byte[32]), DateTimeOffset.UnixEpoch, "https://clinic.test");

        CheckInDkim.Sign(CheckInDkim.Create(options)!, message);

        var signature = message.Headers[message.Headers.IndexOf(HeaderId.DkimSignature)];
        Assert.Contains("d=clinic.test", signature.Value, StringComparison.Ordinal);
        Assert.Contains("list-unsubscribe-post", signature.Value.ToLowerInvariant(), StringComparison.Ordinal);
        var verifier = new DkimVerifier(new OneKey($"v=DKIM1; k=rsa; p={Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())}"));
        Assert.True(await verifier.VerifyAsync(message, signature));
        File.Delete(keyFile);
    }

    [Fact]
    public void A_dkim_key_without_domain_and_selector_is_a_setting_problem()
    {
        var keyFile = Path.GetTempFileName();
        var problems = new DispatchOptions { DkimKeyFile = keyFile }.Validate().ToList();
        File.Delete(keyFile);

        Assert.Contains(problems, p => p.Contains("DkimDomain and FollowUp:Dispatch:DkimSelector are required", StringComparison.Ordinal));
    }

    private sealed class OneKey(string txt) : DkimPublicKeyLocatorBase
    {
        public override Org.BouncyCastle.Crypto.AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            GetPublicKey(txt);

        public override Task<Org.BouncyCastle.Crypto.AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(GetPublicKey(txt));
    }
}
