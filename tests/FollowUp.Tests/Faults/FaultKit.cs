using System.Diagnostics;
using Dapper;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Npgsql;

namespace FollowUp.Tests.Faults;

/// <summary>What the fault tests share: seeding due check-ins, waiting on the database, counting what arrived.</summary>
internal static class FaultKit
{
    /// <summary>All seeded patients' mail lands in this one mailbox (plus addressing: patients+N@domain).</summary>
    public const string PatientsLocalPart = "patients";

    /// <summary>
    /// <paramref name="count"/> courses, each with one check-in due an hour ago by the database's (= the system) clock,
    /// for patients patients+N@domain, and a send window open all day: a worker process runs on the real clock.
    /// </summary>
    public static async Task SeedDueCheckInsAsync(string connectionString, string domain, int count, int first = 1)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync("""
            INSERT INTO therapists (email, created_at) VALUES ('sam@' || @domain, now()) ON CONFLICT DO NOTHING;
            WITH p AS (INSERT INTO patients (name, email, time_zone, created_at)
                       SELECT 'Patient ' || i, 'patients+' || i || '@' || @domain, 'Europe/London', now()
                       FROM generate_series(@first, @first + @count - 1) i RETURNING id),
                 c AS (INSERT INTO courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, enrolled_at)
                       SELECT p.id, t.id, current_date - 40, current_date - 8, 8, 3, now()
                       FROM p, therapists t WHERE t.email = 'sam@' || @domain RETURNING id)
            INSERT INTO check_ins (course_id, sequence, offset_days, due_at) SELECT c.id, 1, 7, now() - interval '1 hour' FROM c;
            UPDATE schedules SET window_start = '00:00', window_end = '23:59:59.999999';
            """, new { domain, count, first });
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<T>(sql) ?? throw new InvalidOperationException(sql);
    }

    /// <summary>Polls until <paramref name="done"/> holds; a deadline, not a timing assertion.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan timeout, Func<Task<string>> describe)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            if (deadline.Elapsed > timeout) throw new TimeoutException($"gave up after {timeout}: {await describe()}");
            await Task.Delay(100);
        }
    }

    public static Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, Func<string> describe) =>
        WaitUntilAsync(() => Task.FromResult(done()), timeout, () => Task.FromResult(describe()));

    /// <summary>Message-IDs of every message in a mailbox's INBOX (one entry per copy).</summary>
    public static async Task<List<string>> MessageIdsAsync(int imapPort, string address)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", imapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(address, Support.TestServers.MailPassword);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope);
        await client.DisconnectAsync(true);
        return summaries.Select(s => s.Envelope?.MessageId ?? "").ToList();
    }

    /// <summary>Every message of a mailbox's INBOX, whole.</summary>
    public static async Task<List<MimeKit.MimeMessage>> MessagesAsync(int imapPort, string address)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", imapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(address, Support.TestServers.MailPassword);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<MimeKit.MimeMessage>();
        foreach (var uid in await client.Inbox.SearchAsync(SearchQuery.All)) messages.Add(await client.Inbox.GetMessageAsync(uid));
        await client.DisconnectAsync(true);
        return messages;
    }

    /// <summary>Lines of the worker's output that contain <paramref name="text"/>.</summary>
    public static int Lines(Support.WorkerProcess worker, string text) =>
        worker.Log.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>The worker's outage lines with their neighbours, for a failure message.</summary>
    public static string OutageLog(Support.WorkerProcess worker)
    {
        var lines = worker.Log.Split('\n');
        return string.Join('\n', lines.Select((l, i) => (l, i))
            .Where(x => x.l.Contains("reachable", StringComparison.Ordinal) || x.l.Contains("Outages", StringComparison.Ordinal)
                        || (x.i > 0 && lines[x.i - 1].Contains("Outages", StringComparison.Ordinal)))
            .Select(x => x.l));
    }

    /// <summary>Worker settings for fast fault tests: short polls, several lanes, small batches.</summary>
    public static Dictionary<string, string?> FastSettings(int lanes = 2, int batchSize = 5) => new()
    {
        ["FollowUp:Dispatch:PollInterval"] = "00:00:00.5",
        ["FollowUp:Dispatch:Lanes"] = lanes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FollowUp:Dispatch:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FollowUp:Inbox:PollInterval"] = "00:00:00.5",
        ["FollowUp:Alerts:PollInterval"] = "00:00:00.5",
        // Times on every line, for reading a failed run's log.
        ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
    };

    /// <summary>A line for the test output and the figures in docs/reliability.md ("Fault tests").</summary>
    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
