using Dapper;
using FollowUp.CheckIns;
using FollowUp.Courses;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FollowUp.Benchmarks;

/// <summary>
/// Scaling: N due check-ins in one database drained by k = 1, 2, 4 worker instances at once, each instance its own DI
/// container (its own connection pool, its own CheckInDispatch with its own worker id and SMTP connection), all
/// calling CheckInDispatch.SendDueAsync, the code the worker's dispatch job runs, until nothing is due. In-process
/// instances rather than worker processes: the claim (FOR UPDATE SKIP LOCKED), the pools and the SMTP sessions are
/// as separate as between processes, and the drain is timed exactly without process start-up or Quartz's polling in
/// the figure. Each k runs on its own copy of the same seeded database with its own mail domain; afterwards every
/// check-in must be 'sent' once in the database and its Message-ID found exactly once in the patients' mailboxes.
/// </summary>
internal static class ScalingBenchmark
{
    // The moments DispatchBenchmark uses: courses ending CourseEnd have their first check-in due and inside the
    // send window at FirstCheckInDue.
    private static readonly DateTimeOffset CourseEnd = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);
    // Patients (mailboxes) the check-ins are spread over: each has many courses, so the mailboxes are few to read.
    private const int Patients = 16;

    public sealed record Result(int Instances, int CheckIns, double Seconds);

    public static async Task<IReadOnlyList<Result>> RunAsync(BenchServers servers, string template, int count, int[] instances)
    {
        var seeded = await SeedAsync(servers, template, count);
        var results = new List<Result>();
        foreach (var k in instances) results.Add(await DrainAsync(servers, seeded, count, k));
        return results;
    }

    /// <summary>N courses, each with its first check-in due at FirstCheckInDue, in a database then used as a template.</summary>
    private static async Task<string> SeedAsync(BenchServers servers, string template, int count)
    {
        var connectionString = await BenchDatabase.CloneAsync(servers, template);
        var domain = "seed.test";
        await using (var provider = DispatchBenchmark.Services(servers, connectionString, domain, new FakeTimeProvider(CourseEnd)))
        {
            var enrolment = provider.GetRequiredService<CourseEnrolment>();
            var today = DateOnly.FromDateTime(CourseEnd.UtcDateTime);
            for (var i = 0; i < count; i++)
            {
                await enrolment.EnrolAsync(new Enrolment
                {
                    PatientName = $"Patient {i % Patients}",
                    PatientEmail = $"p{i % Patients}@{domain}",
                    TimeZone = "Europe/London",
                    TherapistEmail = $"therapist@{domain}",
                    TherapistName = "Sam Taylor",
                    StartedOn = today.AddDays(-35 - i % 300),
                    EndedOn = today,
                    PainAtStart = 8,
                    PainAtEnd = 3,
                    Consent = new FollowUp.DataProtection.EnrolmentConsent("form", null, null, "benchmark patient"),
                }, CancellationToken.None);
            }
        }
        // A template must have no open sessions while it is copied.
        NpgsqlConnection.ClearAllPools();
        return new NpgsqlConnectionStringBuilder(connectionString).Database!;
    }

    private static async Task<Result> DrainAsync(BenchServers servers, string seeded, int count, int k)
    {
        var connectionString = await BenchDatabase.CloneAsync(servers, seeded);
        var domain = BenchServers.UniqueDomain($"scale{k}");
        await using (var db = new NpgsqlConnection(connectionString))
            await db.ExecuteAsync(new CommandDefinition("UPDATE patients SET email = replace(email, '@seed.test', '@' || @domain)", new { domain }, cancellationToken: CancellationToken.None));
        var clock = new FakeTimeProvider(FirstCheckInDue);
        var providers = Enumerable.Range(0, k).Select(_ => DispatchBenchmark.Services(servers, connectionString, domain, clock)).ToList();
        try
        {
            var dispatchers = providers.Select(p => p.GetRequiredService<CheckInDispatch>()).ToList();
            var sent = new int[k];
            var seconds = await Timing.SecondsAsync(() => Task.WhenAll(dispatchers.Select((dispatch, i) => Task.Run(async () =>
            {
                while (true)
                {
                    var result = await dispatch.SendDueAsync(CancellationToken.None);
                    sent[i] += result.Sent;
                    if (result.Sent + result.Failed + result.Retrying == 0) break;
                }
            }))));
            if (sent.Sum() != count) throw new InvalidOperationException($"{k} instances sent {sent.Sum()} check-ins, expected {count}");
            await CheckExactlyOnceAsync(servers, connectionString, domain, count, k);
            return new Result(k, count, seconds);
        }
        finally
        {
            foreach (var provider in providers) await provider.DisposeAsync();
        }
    }

    /// <summary>Every check-in sent once in the database, and each one's Message-ID exactly once across the mailboxes.</summary>
    private static async Task CheckExactlyOnceAsync(BenchServers servers, string connectionString, string domain, int count, int k)
    {
        string[] expected;
        await using (var db = new NpgsqlConnection(connectionString))
        {
            var (sent, other) = await db.QuerySingleAsync<(long, long)>(new CommandDefinition(
                "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FILTER (WHERE status IN ('sending', 'failed') OR (status = 'planned' AND sequence = 1)) FROM check_ins",
                cancellationToken: CancellationToken.None));
            if (sent != count || other != 0) throw new InvalidOperationException($"k={k}: {sent} check-ins sent and {other} not, expected {count} sent");
            expected = (await db.QueryAsync<string>(new CommandDefinition("SELECT message_id FROM check_ins WHERE status = 'sent'", cancellationToken: CancellationToken.None))).ToArray();
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            seen.Clear();
            for (var p = 0; p < Patients; p++)
            {
                using var imap = new ImapClient();
                await imap.ConnectAsync("127.0.0.1", servers.ImapPort, SecureSocketOptions.None);
                await imap.AuthenticateAsync($"p{p}@{domain}", servers.MailPassword);
                await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
                if (imap.Inbox.Count > 0)
                    foreach (var summary in await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope))
                    {
                        var id = summary.Envelope?.MessageId ?? "";
                        seen[id] = seen.GetValueOrDefault(id) + 1;
                    }
                await imap.DisconnectAsync(quit: true);
            }
            if (seen.Values.Sum() >= count) break;
            // Postfix may still be delivering: a deadline, not a measurement.
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"k={k}: {seen.Values.Sum()} of {count} check-ins arrived after 5 minutes");
            await Task.Delay(500);
        }
        var twice = seen.Count(s => s.Value > 1);
        var missing = expected.Count(id => !seen.ContainsKey(id));
        if (twice != 0 || missing != 0 || seen.Count != count)
            throw new InvalidOperationException($"k={k}: {missing} check-ins missing from the mailboxes, {twice} arrived more than once, {seen.Count} distinct messages for {count} check-ins");
    }
}
