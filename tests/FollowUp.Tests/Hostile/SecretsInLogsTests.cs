using System.Security.Cryptography;
using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Hostile;

/// <summary>
/// Issue 8: secrets never appear in what the worker or the admin tool print, on the happy path and on the failure paths
/// (wrong password, unreachable server, bad configuration, <c>config check</c>, <c>--verbose</c> stack traces). Each
/// secret has a distinctive core of letters and digits that survives URL-encoding and connection-string quoting, so
/// looking for the core finds every form of it.
/// </summary>
public sealed class SecretsInLogsTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const string DbPassword = "DbPw7Qx9Zk+/;'=";
    private const string ImapPassword = "ImapPw4Kt8Wm+/=";
    private const string SmtpPassword = "SmtpPw2Hv6Rn+/=";
    private const string TokenKey = "TokenKey-5Nc3Lp8Rd1Xs6Vb9Qm2Fh7Jw4Gt0Ky";

    /// <summary>The test database's own password: not distinctive ("followup"), so its connection-string forms are looked for.</summary>
    private static readonly string[] RealDbPasswordForms = ["Password=followup", "Password = followup", "password=followup", "Pwd=followup"];

    private static readonly string[] Cores = ["7Qx9Zk", "4Kt8Wm", "2Hv6Rn", "5Nc3Lp8Rd1Xs6Vb9"];

    [Fact]
    public async Task A_running_worker_whose_mail_logins_fail_never_prints_a_password_the_token_key_or_the_dkim_key()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var domain = TestServers.UniqueDomain("secret");
        var (dkimFile, dkimCore) = DkimKey();
        var settings = Clinic.Settings(connectionString, domain);
        settings["FollowUp:Imap:Password"] = ImapPassword;
        settings["FollowUp:Smtp:Username"] = $"checkins@{domain}";
        settings["FollowUp:Smtp:Password"] = SmtpPassword;
        settings["FollowUp:Clinic:TokenKey"] = TokenKey;
        settings["FollowUp:Dispatch:DkimKeyFile"] = dkimFile;
        settings["FollowUp:Dispatch:DkimDomain"] = domain;
        settings["FollowUp:Dispatch:DkimSelector"] = "followup";
        settings["FollowUp:Dispatch:PollInterval"] = "00:00:01";
        settings["FollowUp:Inbox:PollInterval"] = "00:00:01";
        settings["FollowUp:Alerts:PollInterval"] = "00:00:01";
        // Everything the libraries say too (Npgsql, Quartz, MailKit through our logs), not just our Information lines.
        settings["Logging:LogLevel:Default"] = "Debug";
        settings["Logging:LogLevel:Quartz"] = "Debug";
        // One check-in already due on the real clock, its send window open all day.
        await Faults.FaultKit.SeedDueCheckInsAsync(connectionString, domain, 1);

        var output = await RunWorkerUntilAsync(settings, async lines =>
        {
            await using var db = new NpgsqlConnection(connectionString);
            // The SMTP login failed on a send attempt (the check-in went back untried), and the inbox's IMAP login failed.
            return await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE failure LIKE 'SMTP login refused%'") > 0
                   && lines.Any(l => l.Contains("SMTP server 127.0.0.1:", StringComparison.Ordinal) && l.Contains("refused the login", StringComparison.Ordinal))
                   && lines.Any(l => l.Contains("IMAP server 127.0.0.1:", StringComparison.Ordinal) && l.Contains("refused the login", StringComparison.Ordinal));
        });

        log.WriteLine($"{output.Count} lines; authentication failures: {output.Count(l => l.Contains("uthentication", StringComparison.Ordinal))}");
        foreach (var line in output.Where(l => l.Contains("uthentication", StringComparison.Ordinal)).Take(6)) log.WriteLine(line);
        // The failure path was taken: the wrong password was sent and refused.
        Assert.Contains(output, l => l.Contains("AuthenticationException", StringComparison.Ordinal));
        // Told once per server, however many ticks ran into it (the login's own retries are at Debug).
        Assert.Single(output, l => l.Contains("SMTP server 127.0.0.1:", StringComparison.Ordinal) && l.Contains("refused the login", StringComparison.Ordinal));
        Assert.Single(output, l => l.Contains("IMAP server 127.0.0.1:", StringComparison.Ordinal) && l.Contains("refused the login", StringComparison.Ordinal));
        AssertNoSecret(output, dkimCore, connectionString);
        File.Delete(dkimFile);
    }

    [Fact]
    public async Task A_worker_with_a_wrong_or_unreachable_database_never_prints_the_database_password()
    {
        var settings = Clinic.Settings(WithPassword(await TestDatabase.CreateAsync(), DbPassword), TestServers.UniqueDomain("secret"));
        settings["FollowUp:Imap:Password"] = ImapPassword;
        settings["FollowUp:Clinic:TokenKey"] = TokenKey;
        var wrongPassword = await RunWorkerUntilAsync(settings, lines => Task.FromResult(lines.Any(l => l.Contains("28P01", StringComparison.Ordinal) || l.Contains("password authentication failed", StringComparison.Ordinal))));

        settings["FollowUp:Database:ConnectionString"] = $"Host=127.0.0.1;Port=1;Database=followup;Username=followup;Password='{DbPassword.Replace("'", "''", StringComparison.Ordinal)}'";
        var unreachable = await RunWorkerUntilAsync(settings, lines => Task.FromResult(lines.Any(l => l.Contains("refused", StringComparison.OrdinalIgnoreCase) || l.Contains("Failed to connect", StringComparison.OrdinalIgnoreCase))));

        AssertNoSecret(wrongPassword, null, null);
        AssertNoSecret(unreachable, null, null);
    }

    [Fact]
    public async Task Bad_configuration_and_config_check_name_the_keys_but_never_print_the_secrets()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var settings = Clinic.Settings(connectionString, TestServers.UniqueDomain("secret"));
        settings["FollowUp:Imap:Password"] = ImapPassword;
        settings["FollowUp:Smtp:Username"] = "someone";
        settings["FollowUp:Smtp:Password"] = SmtpPassword;
        settings["FollowUp:Clinic:TokenKey"] = TokenKey;
        var good = Tool.AsEnvironment(settings);
        var bad = Tool.AsEnvironment(new Dictionary<string, string?>(settings)
        {
            // A misspelt keyword right before the password, a port out of range, a token key one short of the minimum.
            ["FollowUp:Database:ConnectionString"] = $"Host=127.0.0.1;Pasword={DbPassword.Replace(";", "", StringComparison.Ordinal)};Database=x",
            ["FollowUp:Smtp:Port"] = "70000",
            ["FollowUp:Clinic:TokenKey"] = TokenKey[..31],
        });

        var runs = new List<ToolRun>
        {
            await Tool.RunAsync("followup-admin.dll", ["config", "check"], good),
            await Tool.RunAsync("followup-admin.dll", ["config", "check"], bad),
            await Tool.RunAsync("FollowUp.Worker.dll", [], bad),
            // The admin tool with a wrong password on its command line, with and without --verbose (stack traces).
            await Tool.RunAsync("followup-admin.dll", ["course", "list", "--connection", WithPassword(connectionString, DbPassword)]),
            await Tool.RunAsync("followup-admin.dll", ["status", "--verbose", "--connection", WithPassword(connectionString, DbPassword)], good),
            await Tool.RunAsync("followup-admin.dll", ["db", "migrate", "--verbose", "--connection", $"Host=127.0.0.1;Port=1;Username=followup;Password='{DbPassword.Replace("'", "''", StringComparison.Ordinal)}'"]),
            await Tool.RunAsync("followup-admin.dll", ["therapist", "list", "--verbose", "--connection", $"Host=127.0.0.1;Pasword={DbPassword.Replace(";", "", StringComparison.Ordinal)}"]),
        };

        Assert.Equal(0, runs[0].ExitCode);
        Assert.Equal(1, runs[1].ExitCode);
        Assert.Contains("FollowUp:Clinic:TokenKey must be at least 32 characters", runs[1].Stdout, StringComparison.Ordinal);
        Assert.Equal(2, runs[2].ExitCode);
        Assert.Contains("FollowUp:Database:ConnectionString is not a valid connection string", runs[2].Stderr, StringComparison.Ordinal);
        Assert.All(runs.Skip(3), r => Assert.Equal(1, r.ExitCode));
        Assert.Contains("password authentication failed", runs[3].Stderr, StringComparison.Ordinal);
        foreach (var run in runs) AssertNoSecret([run.Stdout, run.Stderr], null, connectionString);
    }

    private static string WithPassword(string connectionString, string password) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Password = password }.ConnectionString;

    /// <summary>An RSA key file for DKIM signing, and a piece of its private key that must never be printed.</summary>
    private static (string File, string Core) DkimKey()
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportRSAPrivateKeyPem();
        var file = Path.Combine(Path.GetTempPath(), $"dkim-{Guid.NewGuid():N}.pem");
        File.WriteAllText(file, pem);
        var line = pem.Split('\n')[5];
        return (file, line[10..40]);
    }

    /// <summary>Runs the worker until <paramref name="done"/> holds for its output (a deadline, not an assertion of time), then stops it.</summary>
    private static async Task<List<string>> RunWorkerUntilAsync(IDictionary<string, string?> settings, Func<List<string>, Task<bool>> done)
    {
        using var worker = new WorkerProcess(Tool.AsEnvironment(settings));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            List<string> lines;
            lock (worker.Output) lines = [.. worker.Output];
            if (await done(lines)) return lines;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the worker did not get there; it said:\n" + string.Join('\n', lines));
            await Task.Delay(250);
        }
    }

    private static void AssertNoSecret(IEnumerable<string> output, string? dkimCore, string? connectionString)
    {
        var text = string.Join('\n', output);
        Assert.False(string.IsNullOrWhiteSpace(text), "nothing was printed: the test would prove nothing");
        foreach (var core in Cores.Append(dkimCore).OfType<string>())
            Assert.False(text.Contains(core, StringComparison.OrdinalIgnoreCase), $"secret '{core}' printed:\n{text}");
        foreach (var form in RealDbPasswordForms)
            Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"'{form}' printed:\n{text}");
        if (connectionString is not null) Assert.DoesNotContain(connectionString, text, StringComparison.Ordinal);
    }
}
