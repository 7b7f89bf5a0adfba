using System.Globalization;
using FollowUp.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FollowUp.Benchmarks;

/// <summary>The servers scripts/bench.sh started, read from the same FOLLOWUP_TEST_* variables as the tests.</summary>
internal sealed record BenchServers(string PostgresAdmin, int SmtpPort, int ImapPort, string MailPassword)
{
    public static BenchServers FromEnvironment() => new(
        Required("FOLLOWUP_TEST_PG"),
        int.Parse(Required("FOLLOWUP_TEST_SMTP_PORT"), CultureInfo.InvariantCulture),
        int.Parse(Required("FOLLOWUP_TEST_IMAP_PORT"), CultureInfo.InvariantCulture),
        Required("FOLLOWUP_TEST_MAIL_PASSWORD"));

    /// <summary>A fresh domain per run, so each run's mail lands in mailboxes of its own.</summary>
    public static string UniqueDomain(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..14] + ".test";

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the benchmarks with 'bash scripts/bench.sh', which starts the real servers.");
}

/// <summary>A migrated template database, cloned per run (as the tests' TestDatabase does).</summary>
internal static class BenchDatabase
{
    public static string MigrationsPath => Path.Combine(AppContext.BaseDirectory, "migrations");

    public static async Task<string> CreateTemplateAsync(BenchServers servers)
    {
        var name = "bench_template_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync(servers, $"CREATE DATABASE {name}");
        var connectionString = ConnectionString(servers, name, pooling: false);
        await Migrations.ApplyAsync(new DatabaseOptions { ConnectionString = connectionString, MigrationsPath = MigrationsPath }, NullLogger.Instance, CancellationToken.None);
        // A template must have no open sessions while it is copied.
        NpgsqlConnection.ClearAllPools();
        return name;
    }

    public static async Task<string> CloneAsync(BenchServers servers, string template)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(servers, $"CREATE DATABASE {name} TEMPLATE {template}");
        return ConnectionString(servers, name);
    }

    private static string ConnectionString(BenchServers servers, string database, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder(servers.PostgresAdmin) { Database = database, Pooling = pooling, MaxPoolSize = 20 }.ConnectionString;

    private static async Task ExecuteAsync(BenchServers servers, string sql)
    {
        await using var connection = new NpgsqlConnection(servers.PostgresAdmin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
