using System.Diagnostics;
using System.Globalization;
using Dapper;
using FollowUp.Mail;
using FollowUp.Tests.Support;
using FollowUp.Demo;
using MimeKit;
using Npgsql;
using Xunit.Abstractions;

namespace FollowUp.Tests.Cluster;

/// <summary>
/// Three real worker processes on one database. The one holding the replies mailbox (a long IDLE run of the inbox job)
/// is killed with SIGKILL, then the next one: each time another node takes the mailbox over and reads the replies that
/// came after the death, and every reply is stored exactly once.
/// </summary>
public class NodeDeathTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task When_the_worker_holding_the_replies_mailbox_is_killed_another_takes_it_over_and_every_reply_is_stored_once()
    {
        await using var clinic = await Clinic.OpenAsync(DateTimeOffset.UtcNow);
        var patients = Enumerable.Range(1, 6).Select(i => $"p{i}").ToArray();
        foreach (var patient in patients) await clinic.EnrolAsync(patient);
        await using var db = new NpgsqlConnection(clinic.ConnectionString);
        // The workers run on the real clock at any hour: the first check-ins are due now, the send window is open all day.
        await db.ExecuteAsync("UPDATE check_ins SET due_at = now() - interval '1 minute' WHERE sequence = 1");
        await db.ExecuteAsync("UPDATE schedules SET window_start = '00:00', window_end = '23:59:59.999999'");

        var workers = new Dictionary<string, WorkerProcess>();
        var phases = Stopwatch.StartNew();
        try
        {
            foreach (var name in new[] { "node-1", "node-2", "node-3" })
                workers[name] = new WorkerProcess(Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain, new Dictionary<string, string?>
                {
                    // Each node's sessions carry its name, so pg_stat_activity tells which one holds the mailbox.
                    ["FollowUp:Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(clinic.ConnectionString) { ApplicationName = name }.ConnectionString,
                    // The test database is a migrated template; WorkerHostTests covers migrating at start.
                    ["FollowUp:Database:MigrateOnStart"] = "false",
                    ["FollowUp:Dispatch:PollInterval"] = "00:00:01",
                    ["FollowUp:Inbox:PollInterval"] = "00:00:01",
                    ["FollowUp:Alerts:PollInterval"] = "00:00:01",
                    // One long run holds the mailbox with IDLE, as a production worker does: the inbox lives on one node.
                    ["FollowUp:Inbox:MaxRunTime"] = "00:10:00",
                    ["FollowUp:Cluster:CheckinInterval"] = "00:00:01",
                    ["FollowUp:Cluster:CheckinMisfireThreshold"] = "00:00:03",
                    ["Logging:LogLevel:Quartz"] = "Information",
                    // Escalations and digests at any hour the test runs: a lead to escalate to, the digest due from midnight.
                    ["FollowUp:Alerts:LeadAddress"] = clinic.Address("lead"),
                    ["FollowUp:Alerts:DigestAt"] = "00:00",
                })));

            // Three .NET processes starting at once on a busy 2-core machine: a longer deadline for this step only.
            await WaitAsync(db, "SELECT count(*) FROM qrtz_scheduler_state", n => n == workers.Count, "every worker checked in to the cluster", TimeSpan.FromMinutes(4));
            await WaitAsync(db, "SELECT count(*) FROM check_ins WHERE status = 'sent'", n => n == patients.Length, "every first check-in sent");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"three workers started and sent the first check-ins in {phases.Elapsed.TotalSeconds:0.0} s"));
            var messageIds = (await db.QueryAsync<(string Email, string MessageId)>(
                "SELECT p.email, ci.message_id FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id WHERE ci.sequence = 1"))
                .ToDictionary(r => r.Email, r => r.MessageId);
            var imap = new ImapOptions { Host = "127.0.0.1", Port = TestServers.ImapPort, Security = MailKit.Security.SecureSocketOptions.None, Password = TestServers.MailPassword };
            var emails = (await Task.WhenAll(patients.Select(async patient =>
            {
                var simulated = new SimulatedPatient(clinic.Address(patient), imap, Clinic.Smtp);
                return (patient, simulated, email: await simulated.ReceiveAsync(messageIds[clinic.Address(patient)], Deadline, CancellationToken.None));
            }))).ToDictionary(r => r.patient, r => (r.simulated, r.email));

            // Two replies while all three nodes live.
            await ReplyAsync(emails, patients[0..2]);
            await WaitAsync(db, "SELECT count(*) FROM replies", n => n == 2, "the first two replies");

            var killed = new List<string>();
            var takeovers = new List<double>();
            foreach (var batch in new[] { patients[2..4], patients[4..6] })
            {
                var holder = await MailboxHolderAsync(db, killed);
                var quartzNode = await db.ExecuteScalarAsync<string>("SELECT instance_name FROM qrtz_fired_triggers WHERE job_name = 'inbox' AND state = 'EXECUTING'");
                output.WriteLine($"the replies mailbox is held by {holder} (Quartz runs the inbox job on instance {quartzNode}); kill -9 {workers[holder].Id}");
                var stored = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM replies");
                workers[holder].Kill();
                var sinceKill = Stopwatch.StartNew();
                killed.Add(holder);
                await ReplyAsync(emails, batch);
                await WaitAsync(db, "SELECT count(*) FROM replies", n => n == stored + batch.Length, $"the replies sent after {holder} died");
                takeovers.Add(sinceKill.Elapsed.TotalSeconds);
                var successor = await MailboxHolderAsync(db, killed);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{holder} killed; {successor} read the {batch.Length} new replies {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill"));
            }

            // The survivors declared both dead nodes failed and removed them from the cluster.
            await WaitAsync(db, "SELECT count(*) FROM qrtz_scheduler_state", n => n == 1, "the dead nodes removed from the cluster");

            // Escalation and digest (the alert-sweep job) go on with two of three nodes dead: an alert left
            // unacknowledged for ten days goes to the lead, and a therapist new today gets a digest, each once.
            await db.ExecuteAsync("""
                INSERT INTO alerts (course_id, kind, severity, reason, raised_at, notify_status, notified_at)
                SELECT min(id), 'late_worsening', 'normal', 'Pain 6 at week 6, up from 3 at course end', now() - interval '10 days', 'sent', now() - interval '10 days'
                FROM courses
                """);
            await clinic.EnrolAsync("p7", therapist: "newcomer");
            await WaitAsync(db, "SELECT count(*) FROM alerts WHERE escalated_at IS NOT NULL", n => n == 1, "the escalation after the deaths");
            await new Mailbox(clinic.Address("lead")).WaitForAsync(1);
            await new Mailbox(clinic.Address("newcomer")).WaitForAsync(1);
            Assert.Equal(patients.Length, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
            Assert.Equal(patients.Length, await db.ExecuteScalarAsync<int>("SELECT count(DISTINCT check_in_id) FROM replies"));
            Assert.Equal(patients.Length, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages"));
            Assert.Equal(patients.Length, await db.ExecuteScalarAsync<int>("SELECT count(DISTINCT message_id) FROM inbound_messages"));
            foreach (var patient in patients) Assert.Single(await new Mailbox(clinic.Address(patient)).MessagesAsync());
            Assert.Single(await new Mailbox(clinic.Address("lead")).MessagesAsync());
            Assert.Single(await new Mailbox(clinic.Address("newcomer")).MessagesAsync());
            Assert.Single(await new Mailbox(clinic.Address("therapist")).MessagesAsync(), m => m.MessageId?.StartsWith("digest.", StringComparison.Ordinal) == true);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"takeover (kill to replies stored): {string.Join(", ", takeovers.Select(t => $"{t:0.0} s"))}; replies stored {patients.Length}, duplicates 0"));
        }
        finally
        {
            string[] notable = ["fail", "recover", "error", "warn", "exception"];
            foreach (var (name, worker) in workers)
            {
                List<string> lines;
                lock (worker.Output) lines = [.. worker.Output];
                output.WriteLine($"{name}: {lines.Count} output lines");
                foreach (var line in lines.Where(l => notable.Any(n => l.Contains(n, StringComparison.OrdinalIgnoreCase)))) output.WriteLine($"{name}: {line}");
            }
            foreach (var worker in workers.Values) worker.Dispose();
        }
    }

    private static Task ReplyAsync(Dictionary<string, (SimulatedPatient Patient, MimeMessage Email)> emails, IEnumerable<string> patients) =>
        Task.WhenAll(patients.Select(p => emails[p].Patient.ReplyAsync(emails[p].Email, "Pain 3, mood good", DateTimeOffset.UtcNow, CancellationToken.None)));

    /// <summary>
    /// The node whose session holds the mailbox's advisory lock (Inbox.RunAsync takes it for the whole run), waiting
    /// until a live node holds it.
    /// </summary>
    private static async Task<string> MailboxHolderAsync(NpgsqlConnection db, IReadOnlyCollection<string> dead)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var holder = await db.ExecuteScalarAsync<string?>("""
                SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()
                """);
            if (holder is not null && !dead.Contains(holder)) return holder;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No live node holds the replies mailbox after {Deadline}.");
            await Task.Delay(100);
        }
    }

    private static async Task WaitAsync(NpgsqlConnection db, string sql, Func<long, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Deadline);
        while (true)
        {
            var value = await db.ExecuteScalarAsync<long>(sql);
            if (done(value)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waiting for {what}: still {value} after {timeout ?? Deadline}.");
            await Task.Delay(100);
        }
    }
}
