using FollowUp.Tests.Replies;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Cli;

/// <summary>Text from inbound mail reaches the admin's terminal through alert list/show and course show: never as commands to it.</summary>
public class TerminalOutputTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    // Clears the screen, retitles the window and hides what follows: what a hostile remote server can write into a report.
    private const string Sequences = "\u001b[2J\u001b]0;owned\u0007\u001b[8m\r";

    [Fact]
    public async Task Control_characters_from_a_delivery_report_are_shown_escaped_by_alert_list_alert_show_and_course_show()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Vera");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(clinic.Address("vera")).WaitForAsync(1)).Single();
        var values = new SampleValues(clinic.Address("vera"), "Vera", "", clinic.RepliesAddress, $"checkins@{clinic.Domain}", checkIn.MessageId!, "", clinic.Domain);
        var report = System.Text.Encoding.UTF8.GetString(Corpus.Fill(Corpus.Get("dsn-hard-headers-only.eml"), values))
            .Replace("Status: 5.1.10", $"Status: 5.1.10{Sequences}", StringComparison.Ordinal)
            .Replace("Recipient not found by SMTP address lookup", $"Recipient not found{Sequences}", StringComparison.Ordinal);
        await RawSmtp.SendAsync("127.0.0.1", TestServers.SmtpPort, "", checkIn.ReplyTo.Mailboxes.Single().Address, System.Text.Encoding.UTF8.GetBytes(report));
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));

        var runs = new[]
        {
            await Tool.RunAsync("followup-admin.dll", ["alert", "list", "--all"], env),
            await Tool.RunAsync("followup-admin.dll", ["course", "show", $"{courseId}"], env),
        };
        await using var db = await clinic.Data.OpenConnectionAsync();
        var alertId = await Dapper.SqlMapper.ExecuteScalarAsync<long>(db, "SELECT id FROM alerts WHERE course_id = @courseId", new { courseId });
        var show = await Tool.RunAsync("followup-admin.dll", ["alert", "show", $"{alertId}"], env);

        foreach (var run in runs.Append(show))
        {
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.DoesNotContain('\u001b', run.Stdout);
            Assert.DoesNotContain('\u0007', run.Stdout);
            Assert.DoesNotContain('\r', run.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
        }
        Assert.Contains("\\u001B[2J", runs[1].Stdout + show.Stdout, StringComparison.Ordinal);
    }
}
