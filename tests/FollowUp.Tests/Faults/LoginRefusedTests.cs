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
    [Fact]
    public async Task A_refused_smtp_login_keeps_every_check_in_due_untried_says_so_once_and_they_all_go_once_the_password_is_fixed()
    {
        var passwordFile = Path.Combine(Path.GetTempPath(), $"followup-smtp-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, "not-the-password\n");
        try
        {
            var logs = new FakeLogCollector();
            await using var clinic = await Clinic.OpenAsync(settings: new Dictionary<string, string?>
            {
                // The test Postfix checks any user name against the mail password (Dovecot SASL).
                ["FollowUp:Smtp:Username"] = "checkins@followup.test",
                ["FollowUp:Smtp:PasswordFile"] = passwordFile,
            }, configure: s => s.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Information)));
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
}
