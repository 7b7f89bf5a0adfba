using System.Diagnostics;
using Dapper;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Replies;

/// <summary>
/// Debian's mutt (top-posting, under script(1) for a terminal) and s-nail (bottom-posting, batch) reply to a real
/// check-in in the patient's own mailbox, over the real IMAP and SMTP servers; the recipes are those of
/// /work/shared/reference/mail-stack.md §6: scripts/mutt-reply.sh and scripts/snail-reply.sh.
/// </summary>
public class MailClientTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_top_posted_mutt_reply_to_a_real_check_in_is_stored_without_the_quote()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var patient = await SendCheckInAsync(clinic, "Mia");

        await RunAsync("mutt-reply.sh", patient, "Pain 3, slept well. Mood good.");
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal(1, result.Answers);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var reply = await db.QuerySingleAsync<(short? Pain, string? MoodWord, string AnswerStatus, string AnswerText)>(
            "SELECT pain, mood_word, answer_status, answer_text FROM replies");
        Assert.Equal(((short?)3, "good", "complete", "Pain 3, slept well. Mood good."), reply);
        // The raw headers are kept for audit, threading included.
        var messageId = await db.ExecuteScalarAsync<string>("SELECT message_id FROM check_ins WHERE status = 'answered'");
        Assert.Contains($"In-Reply-To: <{messageId}>", await db.ExecuteScalarAsync<string>("SELECT raw_headers FROM inbound_messages"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bottom_posted_s_nail_reply_after_a_partial_mutt_reply_updates_the_answer_and_is_audited()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var patient = await SendCheckInAsync(clinic, "Noa");
        await RunAsync("mutt-reply.sh", patient, "Pain 4");
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);

        await RunAsync("snail-reply.sh", patient, "Sorry, forgot: pain 6, mood low.", "1");
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal(1, result.Answers);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var reply = await db.QuerySingleAsync<(short? Pain, string? MoodWord, string AnswerStatus, string AnswerText)>(
            "SELECT pain, mood_word, answer_status, answer_text FROM replies");
        Assert.Equal(((short?)6, "low", "complete", "Sorry, forgot: pain 6, mood low."), reply);
        var audit = await db.QuerySingleAsync<string>("SELECT detail::text FROM audit_log WHERE kind = 'reply.updated'");
        Assert.Contains("\"before\": {\"Pain\": 4", audit, StringComparison.Ordinal);
        Assert.Contains("\"after\": {\"Pain\": 6", audit, StringComparison.Ordinal);
        Assert.Contains("s-nail", await db.ExecuteScalarAsync<string>("SELECT raw_headers FROM inbound_messages ORDER BY id DESC LIMIT 1"), StringComparison.Ordinal);
    }

    private static async Task<string> SendCheckInAsync(Clinic clinic, string name)
    {
        await clinic.EnrolAsync(name);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var address = clinic.Address(name.ToLowerInvariant());
        await new Mailbox(address).WaitForAsync(1);
        return address;
    }

    private static async Task RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(TestServers.Scripts, script));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["IMAP_PORT"] = TestServers.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SMTP_PORT"] = TestServers.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["MAIL_PASS"] = TestServers.MailPassword;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"{script} failed ({process.ExitCode}): {await stdout} {await stderr}");
    }
}
