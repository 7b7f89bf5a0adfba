using Dapper;
using FollowUp.Mail;
using FollowUp.Replies;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;

namespace FollowUp.Benchmarks;

/// <summary>
/// Ingestion: replies processed per second through the full path (Inbox.ReadAsync: fetch, classify, match, parse,
/// store, move) against a bare ImapClient loop fetching every message of a same-sized mailbox. The replies are put
/// in the mailbox over SMTP before timing; only the reading is timed.
/// </summary>
internal static class IngestionBenchmark
{
    public static async Task<double> FullPathAsync(BenchServers servers, ServiceProvider provider, string domain, int count)
    {
        var tokens = provider.GetRequiredService<ReplyToken>();
        await using (var connection = await provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        {
            var sent = (await connection.QueryAsync<(long Id, string Email)>(new CommandDefinition(
                """
                SELECT c.id, p.email FROM check_ins c JOIN courses co ON co.id = c.course_id JOIN patients p ON p.id = co.patient_id
                WHERE c.status = 'sent'
                """, cancellationToken: CancellationToken.None))).ToArray();
            if (sent.Length != count) throw new InvalidOperationException($"{sent.Length} sent check-ins, expected {count}");
            await DeliverAsync(servers, sent.Select((s, i) => Reply(s.Email, $"replies+{tokens.Create('c', s.Id)}@{domain}", i)));
        }
        await WaitForAsync(servers, $"replies@{domain}", count);
        var inbox = provider.GetRequiredService<Inbox>();
        var read = 0;
        var seconds = await Timing.SecondsAsync(async () => read = (await inbox.ReadAsync(CancellationToken.None)).Answers);
        if (read != count) throw new InvalidOperationException($"the full path recorded {read} answers, expected {count}");
        return seconds;
    }

    public static async Task<double> BareLoopAsync(BenchServers servers, int count)
    {
        var domain = BenchServers.UniqueDomain("bare");
        await DeliverAsync(servers, Enumerable.Range(0, count).Select(i => Reply($"p{i}@{domain}", $"replies+c{i}-0123456789abcdef@{domain}", i)));
        await WaitForAsync(servers, $"replies@{domain}", count);
        using var imap = new ImapClient();
        var fetched = 0;
        var seconds = await Timing.SecondsAsync(async () =>
        {
            await imap.ConnectAsync("127.0.0.1", servers.ImapPort, SecureSocketOptions.None);
            await imap.AuthenticateAsync($"replies@{domain}", servers.MailPassword);
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            foreach (var uid in await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.All))
            {
                await imap.Inbox.GetMessageAsync(uid);
                fetched++;
            }
            await imap.DisconnectAsync(quit: true);
        });
        if (fetched != count) throw new InvalidOperationException($"the bare loop fetched {fetched} messages, expected {count}");
        return seconds;
    }

    private static MimeMessage Reply(string from, string to, int i)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"Patient {i}", from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "Re: How are you feeling a week after your massage course?";
        message.Body = new TextPart("plain") { Text = "Pain: 3\nMood: 4\n\nThanks!\n\n> Please reply to this email with two numbers:\n" };
        return message;
    }

    private static async Task DeliverAsync(BenchServers servers, IEnumerable<MimeMessage> messages)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", servers.SmtpPort, SecureSocketOptions.None);
        foreach (var message in messages) await smtp.SendAsync(message);
        await smtp.DisconnectAsync(quit: true);
    }

    /// <summary>Waits (a deadline, not a measurement) until Postfix has delivered every reply to the mailbox.</summary>
    private static async Task WaitForAsync(BenchServers servers, string address, int count)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", servers.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(address, servers.MailPassword);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            if (imap.Inbox.Count >= count) break;
            await imap.Inbox.CloseAsync();
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{address} holds {imap.Inbox.Count} of {count} messages after 5 minutes");
            await Task.Delay(200);
        }
        await imap.DisconnectAsync(quit: true);
    }
}
