using System.Diagnostics;
using FollowUp.Tests.Support;
using Xunit.Abstractions;

namespace FollowUp.Tests.Faults;

/// <summary>
/// kill -9 of a worker in the middle of a dispatch batch (issue 8): the real worker process, the shared test servers,
/// what arrives counted in the real mailbox. docs/reliability.md, "No check-in lost, none sent twice": only a message the SMTP server had
/// accepted before the worker recorded it can go twice, so at most one per sending lane.
/// </summary>
public class KillMidBatchTests(ITestOutputHelper output)
{
    private const int CheckIns = 150;
    private const int Lanes = 4;

    [Fact]
    public async Task A_worker_killed_mid_batch_and_restarted_sends_every_check_in_with_duplicates_only_from_its_lanes_in_flight()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var domain = TestServers.UniqueDomain("kill");
        await FaultKit.SeedDueCheckInsAsync(connectionString, domain, CheckIns);
        var settings = Tool.AsEnvironment(Clinic.Settings(connectionString, domain, FaultKit.FastSettings(lanes: Lanes, batchSize: 10)));
        Task<long> Sent() => FaultKit.ScalarAsync<long>(connectionString, "SELECT count(*) FROM check_ins WHERE status = 'sent'");

        var clock = Stopwatch.StartNew();
        long sentAtKill;
        using (var first = new WorkerProcess(settings))
        {
            // Some sent, most not: the batch is in flight on every lane.
            await FaultKit.WaitUntilAsync(async () => await Sent() >= 20, TimeSpan.FromSeconds(150), async () => $"{await Sent()} sent; worker: {first.Log}");
            first.Kill();
            sentAtKill = await Sent();
        }
        var claimedAtKill = await FaultKit.ScalarAsync<long>(connectionString, "SELECT count(*) FROM check_ins WHERE status = 'sending'");
        Assert.InRange(sentAtKill, 20, CheckIns - 1);

        // The dead worker's claims are taken over once their lease has passed (ClaimLease, at least a minute); the test
        // ages them by that much instead of waiting it out. Only rows still 'sending' are touched: what it recorded stands.
        await FaultKit.ScalarAsync<int>(connectionString,
            "WITH aged AS (UPDATE check_ins SET claimed_at = claimed_at - interval '1 hour' WHERE status = 'sending' RETURNING 1) SELECT count(*)::int FROM aged");
        var restarted = clock.Elapsed;
        using (var second = new WorkerProcess(settings))
        {
            await FaultKit.WaitUntilAsync(async () => await Sent() == CheckIns, TimeSpan.FromSeconds(150), async () => $"{await Sent()} sent; worker: {second.Log}");
        }
        var caughtUp = clock.Elapsed - restarted;

        // Everything the SMTP server accepted has been delivered once Postfix's queue holds nothing for this domain.
        var mailRoot = Environment.GetEnvironmentVariable("FOLLOWUP_TEST_MAILROOT") is { Length: > 0 } root ? root
            : throw new InvalidOperationException("FOLLOWUP_TEST_MAILROOT is not set: run the tests with 'bash scripts/test.sh'.");
        await FaultKit.WaitUntilAsync(async () => !await Postfix.HoldsMailForAsync(mailRoot, domain), TimeSpan.FromSeconds(150), () => Task.FromResult("Postfix still holds mail for " + domain));
        var ids = await FaultKit.MessageIdsAsync(TestServers.ImapPort, $"{FaultKit.PatientsLocalPart}@{domain}");
        var distinct = ids.Distinct(StringComparer.Ordinal).Count();
        var duplicates = ids.Count - distinct;
        output.WriteLine($"kill -9 mid-batch: {CheckIns} due, {Lanes} lanes x batch 10; killed at {sentAtKill} sent, {claimedAtKill} claimed; " +
                         $"restarted worker caught up in {FaultKit.Seconds(caughtUp)}; {ids.Count} messages arrived, {distinct} distinct Message-IDs, {duplicates} duplicate(s)");

        Assert.Equal(CheckIns, distinct);
        Assert.InRange(duplicates, 0, Lanes);
        // Every duplicate is a copy of a check-in the dead worker held a claim on (same Message-ID, docs/reliability.md).
        Assert.InRange(duplicates, 0, claimedAtKill);
        var recorded = await FaultKit.ScalarAsync<long>(connectionString, "SELECT count(DISTINCT message_id) FROM check_ins WHERE status = 'sent'");
        Assert.Equal(CheckIns, recorded);
    }
}
