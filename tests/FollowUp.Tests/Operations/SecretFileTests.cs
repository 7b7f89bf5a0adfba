using FollowUp.Tests.Support;

namespace FollowUp.Tests.Operations;

/// <summary>Secrets mounted as files (systemd credentials, container secrets) instead of environment variables.</summary>
public class SecretFileTests
{
    [Fact]
    public async Task The_imap_password_can_come_from_a_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, TestServers.MailPassword + "\n");
            await using var clinic = await Clinic.OpenAsync(settings: new Dictionary<string, string?>
            {
                ["FollowUp:Imap:Password"] = "",
                ["FollowUp:Imap:PasswordFile"] = file,
            });

            // Logging in is the proof: an empty mailbox reads as nothing, a wrong password throws.
            Assert.Equal(0, (await clinic.Inbox.ReadAsync(default)).Read);

            await File.WriteAllTextAsync(file, "not-the-password");
            await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => clinic.Inbox.ReadAsync(default));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Config_check_names_a_password_file_that_does_not_exist()
    {
        var settings = Tool.AsEnvironment(Clinic.Settings(await TestDatabase.CreateAsync(), TestServers.UniqueDomain("secret")));
        settings["FollowUp__Smtp__Username"] = "checkins";
        settings["FollowUp__Smtp__PasswordFile"] = "/nonexistent/smtp-password";

        var run = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("FollowUp:Smtp:PasswordFile does not exist: /nonexistent/smtp-password", run.Stdout.Trim());
    }
}
