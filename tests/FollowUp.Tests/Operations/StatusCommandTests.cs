using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Operations;

public class StatusCommandTests
{
    [Fact]
    public async Task Status_without_a_running_worker_says_so_and_exits_1()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var run = await Tool.RunAsync("followup-admin.dll", ["status", "--connection", connectionString]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("none has ever started against this database", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Check-ins: 0 due now, 0 planned later, 0 being sent, 0 failed", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("followup-admin: no worker is running: no node of the cluster has checked in recently", run.Stderr.Trim());
    }

    [Fact]
    public async Task Status_shows_a_running_worker_whose_debug_output_never_contains_the_secret_key()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var secret = "token-key-" + Guid.NewGuid().ToString("N");
        var settings = Clinic.Settings(connectionString, TestServers.UniqueDomain("status"));
        settings["FollowUp:Clinic:TokenKey"] = secret;
        settings["Logging:LogLevel:Default"] = "Debug";
        settings["Logging:LogLevel:Quartz"] = "Debug";
        var worker = new WorkerProcess(Tool.AsEnvironment(settings));
        ToolRun run, json;
        try
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                // A deadline, not an assertion: the node row appears once Quartz has started and checked in.
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM qrtz_scheduler_state") == 0 && DateTime.UtcNow < deadline)
                    await Task.Delay(250);
            }
            run = await Tool.RunAsync("followup-admin.dll", ["status", "--connection", connectionString]);
            json = await Tool.RunAsync("followup-admin.dll", ["status", "--json", "--connection", connectionString]);
        }
        finally
        {
            worker.Dispose();
        }

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Matches(@"last check-in \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  ok", run.Stdout);
        Assert.Contains("\"due_now\": 0", json.Stdout, StringComparison.Ordinal);
        List<string> output;
        lock (worker.Output) output = [.. worker.Output];
        Assert.NotEmpty(output);
        Assert.DoesNotContain(output, line => line.Contains(secret, StringComparison.Ordinal));
    }
}
