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

    public static Task<double> BareLoopAsync(BenchServers servers, int count) => FetchLoopAsync(servers, count, understand: null);

    /// <summary>
    /// The bare loop, each message then understood as the inbox understands it (bounce, automatic-reply and loop
    /// checks, the body's text, quote stripping, answer and crisis-word parsing, the reply token's check) with nothing
    /// stored or moved: what the full path could reach on this machine if storage were free.
    /// </summary>
    public static Task<double> UnderstandLoopAsync(BenchServers servers, int count) => UnderstandingLoopAsync(servers, count, record: null);

    /// <summary>
    /// As <see cref="UnderstandLoopAsync"/>, plus the least a reply's own durable record can cost: one INSERT of one row
    /// in its own transaction per message, on one pooled connection of the same PostgreSQL. No match, no check-in,
    /// no audit, no assessment, no move: the floor under any design that commits each reply before it is moved.
    /// </summary>
    public static async Task<double> UnderstandAndRecordLoopAsync(BenchServers servers, string template, int count)
    {
        await using var data = NpgsqlDataSource.Create(await BenchDatabase.CloneAsync(servers, template));
        await using (var create = data.CreateCommand("CREATE TABLE minimal_record (uid bigint PRIMARY KEY, sender text NOT NULL, pain int, body text NOT NULL)"))
            await create.ExecuteNonQueryAsync();
        await using var connection = await data.OpenConnectionAsync();
        long uid = 0;
        return await UnderstandingLoopAsync(servers, count, async (message, answer, body) =>
            await connection.ExecuteAsync("INSERT INTO minimal_record (uid, sender, pain, body) VALUES (@uid, @sender, @pain, @body)",
                new { uid = ++uid, sender = message.From.Mailboxes.First().Address, pain = answer.Pain, body }));
    }

    private static Task<double> UnderstandingLoopAsync(BenchServers servers, int count, Func<MimeMessage, Answer, string, Task>? record)
    {
        var clinic = new ClinicOptions { Name = "Bench", FromAddress = "checkins@bench.test", ReplyAddress = "replies@bench.test" };
        var tokens = new ReplyToken(System.Text.Encoding.UTF8.GetBytes("bench-token-key-0123456789abcdef0123456789"));
        var answers = 0;
        return FetchLoopAsync(servers, count, async message =>
        {
            if (Automatic.IsDeliveryReport(message) || Automatic.AutoReplyReason(message) is not null || Automatic.LoopReason(message, clinic) is not null)
                return;
            foreach (var to in message.To.Mailboxes)
                _ = tokens.Verify(ReplyToken.FromAddress(to.Address, "replies"), 'c');
            var body = ReplyText.BodyOf(message);
            var answer = Answer.Parse(ReplyText.StripQuoted(body), message.Subject);
            if (answer.Pain is not null) answers++;
            if (record is not null) await record(message, answer, body);
        }, () => answers == count ? null : $"{answers} of {count} answers understood");
    }

    private static async Task<double> FetchLoopAsync(BenchServers servers, int count, Func<MimeMessage, Task>? understand, Func<string?>? problem = null)
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
                var message = await imap.Inbox.GetMessageAsync(uid);
                if (understand is not null) await understand(message);
                fetched++;
            }
            await imap.DisconnectAsync(quit: true);
        });
        if (fetched != count) throw new InvalidOperationException($"the bare loop fetched {fetched} messages, expected {count}");
        if (problem?.Invoke() is { } wrong) throw new InvalidOperationException(wrong);
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
