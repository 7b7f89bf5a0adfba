using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Worker;

/// <summary>The built worker process, started as an operator would start it.</summary>
public class WorkerHostTests
{
    [Fact]
    public async Task A_wrong_setting_stops_the_worker_with_the_key_and_the_reason()
    {
        var settings = Clinic.Settings(await TestDatabase.CreateAsync(), TestServers.UniqueDomain());
        settings["FollowUp:Smtp:Port"] = "70000";
        settings["FollowUp:Clinic:TokenKey"] = "short";

        var run = await Tool.RunAsync("FollowUp.Worker.dll", [], Tool.AsEnvironment(settings));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("FollowUp:Smtp:Port must be between 1 and 65535 (was 70000)", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("FollowUp:Clinic:TokenKey must be at least 32 characters", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("short", run.Stderr + run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worker_migrates_and_its_clustered_quartz_jobs_send_a_due_check_in()
    {
        // An empty database: the worker migrates it itself, then Quartz (clustered on it) ticks the dispatch job.
        var connectionString = await TestDatabase.CreateEmptyAsync();
        var domain = TestServers.UniqueDomain();
        var settings = Clinic.Settings(connectionString, domain);
        settings["FollowUp:Dispatch:PollInterval"] = "00:00:01";
        settings["FollowUp:Inbox:PollInterval"] = "00:00:01";
        settings["FollowUp:Alerts:PollInterval"] = "00:00:01";
        var enrolled = await Tool.RunAsync("followup-admin.dll", ["db", "migrate", "--connection", connectionString]);
        Assert.True(enrolled.ExitCode == 0, enrolled.Stderr);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            // A course whose first check-in is already due on the real clock.
            await connection.ExecuteAsync($"""
                WITH t AS (INSERT INTO therapists (email, created_at) VALUES ('sam@{domain}', now()) RETURNING id),
                     p AS (INSERT INTO patients (name, email, time_zone, created_at) VALUES ('Ivy', 'ivy@{domain}', 'Europe/London', now()) RETURNING id),
                     c AS (INSERT INTO courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, enrolled_at)
                           SELECT p.id, t.id, current_date - 40, current_date - 8, 8, 3, now() FROM p, t RETURNING id)
                INSERT INTO check_ins (course_id, sequence, offset_days, due_at) SELECT c.id, 1, 7, now() - interval '1 hour' FROM c
                """);
            // The test runs on the real clock at any hour: open the patient's send window all day.
            await connection.ExecuteAsync("UPDATE schedules SET window_start = '00:00', window_end = '23:59:59.999999'");
        }

        using var worker = new WorkerProcess(Tool.AsEnvironment(settings));
        var arrived = await new Mailbox($"ivy@{domain}").WaitForAsync(1);

        Assert.Single(arrived);
        await using var db = new NpgsqlConnection(connectionString);
        Assert.True(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM qrtz_scheduler_state") >= 1);
    }

    [Fact]
    public async Task The_demo_plays_three_months_of_follow_up_and_ends_with_an_alert_to_the_therapist()
    {
        // What the README's run command does, against this run's servers: the worker, its real jobs, a patient
        // answering through the real SMTP server, on a fast-forwarded business clock.
        var settings = Clinic.Settings(await TestDatabase.CreateEmptyAsync(), TestServers.UniqueDomain("demo"));

        var run = await Tool.RunAsync("FollowUp.Worker.dll", ["--demo"], Tool.AsEnvironment(settings), TimeSpan.FromMinutes(4));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Equal(6, run.Stdout.Split('\n').Count(l => l.Contains("The inbox job read it over IMAP", StringComparison.Ordinal)));
        Assert.Contains("ALERT (high) emailed to the therapist sam.taylor@clinic.test: Pain 7 at week 12, up from 3 at course end; baseline 8; mood low.", run.Stdout, StringComparison.Ordinal);
    }
}
