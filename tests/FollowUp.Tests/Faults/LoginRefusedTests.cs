using Dapper;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FollowUp.Tests.Faults;

/// <summary>
/// The SMTP server answers but refuses the worker's login (a password changed on the mail server and not yet in
/// FollowUp's settings). Nothing is wrong with the check-ins, so none may be charged an attempt, fail or back off; the
/// operator is told once what to fix, and the first run after the fix sends everything that waited.
/// </summary>
public class LoginRefusedTests
{
    /// <summary>A clinic whose SMTP login is read from a password file the test rewrites; its log lines are collected.</summary>
    private static Task<Clinic> OpenAsync(string passwordFile, FakeLogCollector logs, DateTimeOffset? now = null) =>
        Clinic.OpenAsync(now, settings: new Dictionary<string, string?>
        {
            // The test Postfix checks any user name against the mail password (Dovecot SASL).
            ["FollowUp:Smtp:Username"] = "checkins@followup.test",
            ["FollowUp:Smtp:PasswordFile"] = passwordFile,
        }, configure: s => s.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Information)));

    /// <summary>
    /// A pending alert is tried again a minute after its last try, by the database's clock (claims are about
    /// processes, not the clinic's calendar); the test moves its last try back rather than wait.
    /// </summary>
    private static async Task AMinuteLaterAsync(Clinic clinic)
    {
        await using var db = await clinic.Data.OpenConnectionAsync();
        await db.ExecuteAsync("UPDATE alerts SET notify_claimed_at = notify_claimed_at - interval '61 seconds'");
    }

    private static string NewPasswordFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"followup-smtp-{Guid.NewGuid():N}");
        File.WriteAllText(path, content + "\n");
        return path;
    }

    [Fact]
    public async Task A_refused_smtp_login_keeps_every_check_in_due_untried_says_so_once_and_they_all_go_once_the_password_is_fixed()
    {
        var passwordFile = NewPasswordFile("not-the-password");
        try
        {
            var logs = new FakeLogCollector();
            await using var clinic = await OpenAsync(passwordFile, logs);
            foreach (var patient in new[] { "Ada", "Ben", "Cy" }) await clinic.EnrolAsync(patient);
            clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));

            // Several runs against the wrong password, as the worker's ticks would make over a weekend.
            for (var run = 0; run < 3; run++)
            {
                var refused = await clinic.Dispatch.SendDueAsync(default);
                Assert.Equal((0, 0, 3), (refused.Sent, refused.Failed, refused.Retrying));
            }
            await using (var db = await clinic.Data.OpenConnectionAsync())
            {
                var rows = (await db.QueryAsync<(string Status, int Attempts, string Failure, DateTime DueAt)>(
                    "SELECT status, attempts, failure, due_at FROM check_ins WHERE sequence = 1")).ToList();
                Assert.Equal(3, rows.Count);
                Assert.All(rows, r => Assert.Equal(("planned", 0), (r.Status, r.Attempts)));
                Assert.All(rows, r => Assert.StartsWith("SMTP login refused: AuthenticationException", r.Failure, StringComparison.Ordinal));
                // Still due now, not pushed back by a retry's backoff.
                Assert.All(rows, r => Assert.True(r.DueAt <= clinic.Clock.GetUtcNow().UtcDateTime, $"due {r.DueAt:O}"));
            }
            var refusedLines = logs.GetSnapshot().Where(r => r.Id.Id == 903).ToList();
            var line = Assert.Single(refusedLines);
            Assert.Equal(LogLevel.Error, line.Level);
            Assert.Contains($"SMTP server 127.0.0.1:{TestServers.SmtpPort} refused the login", line.Message, StringComparison.Ordinal);
            Assert.Contains("check FollowUp:Smtp:Username, Password (or PasswordFile)", line.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(TestServers.MailPassword, line.Message, StringComparison.Ordinal);

            // The operator puts the right password in the file; no restart is needed, the next run sends them all.
            await File.WriteAllTextAsync(passwordFile, TestServers.MailPassword + "\n");
            var fixedRun = await clinic.Dispatch.SendDueAsync(default);
            Assert.Equal((3, 0, 0), (fixedRun.Sent, fixedRun.Failed, fixedRun.Retrying));
            foreach (var patient in new[] { "ada", "ben", "cy" })
                Assert.Single(await new Mailbox(clinic.Address(patient)).WaitForAsync(1));
            Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 902);
            await using (var db = await clinic.Data.OpenConnectionAsync())
                Assert.Equal(3, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'sent' AND attempts = 1 AND failure IS NULL"));
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    [Fact]
    public async Task A_refused_smtp_login_leaves_the_therapist_alert_pending_not_failed_and_it_goes_once_the_password_is_fixed()
    {
        var passwordFile = NewPasswordFile(TestServers.MailPassword);
        try
        {
            var logs = new FakeLogCollector();
            await using var clinic = await OpenAsync(passwordFile, logs, new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
            await clinic.EnrolAsync("Dana", painAtStart: 8, painAtEnd: 3);
            await Alerts.AlertLifecycleTests.AnswerAsync(clinic, "dana", "Pain 3, mood 8", "Pain 7, mood 3");

            // The mail server's password changes before the alert goes out.
            await File.WriteAllTextAsync(passwordFile, "changed-on-the-server\n");
            Assert.Equal(0, await clinic.Alerts.NotifyAsync(default));
            await AMinuteLaterAsync(clinic);
            Assert.Equal(0, await clinic.Alerts.NotifyAsync(default));
            await using (var db = await clinic.Data.OpenConnectionAsync())
            {
                var (status, failure) = await db.QuerySingleAsync<(string, string)>("SELECT notify_status, notify_failure FROM alerts");
                Assert.Equal("pending", status);
                Assert.StartsWith("will retry: AuthenticationException", failure, StringComparison.Ordinal);
            }
            var refused = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 903);
            Assert.Contains("refused the login", refused.Message, StringComparison.Ordinal);

            await File.WriteAllTextAsync(passwordFile, TestServers.MailPassword + "\n");
            await AMinuteLaterAsync(clinic);
            Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
            Assert.Single(await new Mailbox(clinic.Address("therapist")).WaitForAsync(1),
                m => m.Subject?.Contains("Dana", StringComparison.Ordinal) == true);
            Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 902);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }
}
