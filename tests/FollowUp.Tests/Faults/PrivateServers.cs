using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Faults;

/// <summary>
/// A PostgreSQL and a mail stack of one test's own, on ports free at run time, started with the project's scripts
/// (scripts/pg-up.sh, scripts/mail-up.sh) so the test can stop and restart them without touching the servers every
/// other test shares. Disposing stops both and deletes their directories, whatever state the test left them in.
/// Postfix and Dovecot are stopped and started one at a time the way mail-up.sh starts them (each master by its pid
/// file, process group and all), so the other keeps running and the mailboxes stay on disk.
/// </summary>
public sealed class PrivateServers : IAsyncDisposable
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";

    private PrivateServers(int pgPort, int smtpPort, int imapPort, int lmtpPort, string pgRoot, string mailRoot)
    {
        PgPort = pgPort;
        SmtpPort = smtpPort;
        ImapPort = imapPort;
        LmtpPort = lmtpPort;
        PgRoot = pgRoot;
        MailRoot = mailRoot;
    }

    public int PgPort { get; }
    public int SmtpPort { get; }
    public int ImapPort { get; }
    public int LmtpPort { get; }
    public string PgRoot { get; }
    public string MailRoot { get; }

    /// <summary>The test's own connections open and close each time (no pool), so a restart leaves none broken.</summary>
    public string ConnectionString(string database = "followup") =>
        $"Host=127.0.0.1;Port={PgPort};Database={database};Username=followup;Password=followup;Timezone=UTC;Pooling=false";

    /// <summary>A new, migrated database for one test on this server.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "fault_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new Npgsql.NpgsqlConnection(ConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var connectionString = ConnectionString(name);
        await FollowUp.Database.Migrations.ApplyAsync(TestDatabase.Options(connectionString), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        return connectionString;
    }

    /// <summary>Starts whatever an earlier test left stopped (a failed test may not have got to its restart).</summary>
    public async Task EnsureUpAsync()
    {
        if (!Listening(PgPort)) await StartPostgresAsync();
        if (!Listening(SmtpPort)) await StartSmtpAsync();
        if (!Listening(ImapPort)) await StartImapAsync();
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static async Task<PrivateServers> StartAsync()
    {
        var ports = FreePorts(4);
        string? pgRoot = null;
        try
        {
            var pg = await ScriptAsync("pg-up.sh", new() { ["PGPORT"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture) });
            pgRoot = Value(pg, "PGROOT");
            var mail = await ScriptAsync("mail-up.sh", new()
            {
                ["SMTP_PORT"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["IMAP_PORT"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["LMTP_PORT"] = ports[3].ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["MAIL_PASS"] = TestServers.MailPassword,
            });
            return new PrivateServers(ports[0], ports[1], ports[2], ports[3], pgRoot, Value(mail, "MAILROOT"));
        }
        catch
        {
            if (pgRoot is not null) await ScriptAsync("pg-down.sh", [], pgRoot);
            throw;
        }
    }

    /// <summary>The settings of a worker using these servers (on top of <see cref="Clinic.Settings"/>).</summary>
    public Dictionary<string, string?> Settings(string connectionString, string domain, IDictionary<string, string?>? extra = null)
    {
        var settings = Clinic.Settings(connectionString.Replace(";Pooling=false", "", StringComparison.Ordinal), domain, extra);
        settings["FollowUp:Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["FollowUp:Imap:Port"] = ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>Stops Postfix only (SMTP refused); Dovecot keeps serving IMAP.</summary>
    public Task<string> StopSmtpAsync() => BashAsync($"fu_kill_wait $(tr -d ' \\n' < {MailRoot}/postfix-queue/pid/master.pid); fu_wait_port_free {SmtpPort} 100");

    /// <summary>Starts Postfix again on the same port with the same queue, as mail-up.sh does.</summary>
    public Task<string> StartSmtpAsync() =>
        BashAsync($"MAIL_CONFIG={MailRoot}/postfix /usr/lib/postfix/sbin/master -c {MailRoot}/postfix -w </dev/null >>{MailRoot}/start.log 2>&1; fu_wait_port_listen {SmtpPort} 100");

    /// <summary>Stops Dovecot only (IMAP and its LMTP delivery refused; Postfix queues what arrives meanwhile).</summary>
    public Task<string> StopImapAsync() =>
        BashAsync($"fu_kill_wait $(tr -d ' \\n' < {MailRoot}/dovecot/run/master.pid); fu_wait_port_free {ImapPort} 100; fu_wait_port_free {LmtpPort} 100");

    public Task<string> StartImapAsync() =>
        BashAsync($"/usr/sbin/dovecot -c {MailRoot}/dovecot/dovecot.conf </dev/null >>{MailRoot}/start.log 2>&1; fu_wait_port_listen {ImapPort} 100; fu_wait_port_listen {LmtpPort} 100");

    /// <summary>Fast shutdown of PostgreSQL (sessions are ended: 57P01), keeping its data directory.</summary>
    public Task<string> StopPostgresAsync() =>
        BashAsync($"runuser -u postgres -- {PgBin}/pg_ctl -D {PgRoot}/data -m fast -w -t 30 stop </dev/null >/dev/null; fu_wait_port_free {PgPort} 100");

    /// <summary>Starts PostgreSQL again on the same data directory and port (its settings are in postgresql.conf).</summary>
    public Task<string> StartPostgresAsync() =>
        BashAsync($"runuser -u postgres -- {PgBin}/pg_ctl -D {PgRoot}/data -l {PgRoot}/server.log -w -t 30 start </dev/null >/dev/null; fu_wait_port_listen {PgPort} 100");

    /// <summary>Mail for <paramref name="domain"/> that Postfix accepted and has not delivered yet.</summary>
    public Task<bool> QueueHoldsMailForAsync(string domain) => Postfix.HoldsMailForAsync(MailRoot, domain);

    public async ValueTask DisposeAsync()
    {
        // Both, even when one fails: a server left running would hold its port and directory after the test.
        try { await ScriptAsync("mail-down.sh", [], MailRoot); }
        finally { await ScriptAsync("pg-down.sh", [], PgRoot); }
    }

    /// <summary>Ports nobody listens on now: bound to port 0 by the kernel, then released.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var l in listeners) l.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners) l.Stop();
        }
    }

    private static string Value(string output, string key) =>
        output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..]
        ?? throw new InvalidOperationException($"no {key}= in: {output}");

    private static Task<string> BashAsync(string script) =>
        RunAsync("bash", ["-c", $"set -euo pipefail; source {Path.Combine(TestServers.Scripts, "lib.sh")}; {script}"], []);

    private static Task<string> ScriptAsync(string script, Dictionary<string, string> environment, params string[] args) =>
        RunAsync("bash", [Path.Combine(TestServers.Scripts, script), .. args], environment);

    internal static async Task<string> RunAsync(string file, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["FU_OWNER_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout} {await stderr}");
        return await stdout;
    }
}

/// <summary>Postfix's queue, read with postqueue: whether accepted mail is still on its way.</summary>
public static class Postfix
{
    public static async Task<bool> HoldsMailForAsync(string mailRoot, string domain)
    {
        // One JSON object per queued message (postqueue(1) -j), recipients included.
        var json = await PrivateServers.RunAsync("/usr/sbin/postqueue", ["-c", Path.Combine(mailRoot, "postfix"), "-j"], []);
        return json.Contains("@" + domain, StringComparison.OrdinalIgnoreCase);
    }
}
