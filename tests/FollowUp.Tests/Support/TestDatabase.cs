using FollowUp.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FollowUp.Tests.Support;

/// <summary>
/// A fresh database per test class, cloned from a template that was migrated once per run (CREATE DATABASE …
/// TEMPLATE takes milliseconds; migrating each time would take seconds).
/// </summary>
public static class TestDatabase
{
    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    /// <summary>The connection string of a new, migrated, empty database.</summary>
    public static async Task<string> CreateAsync()
    {
        var template = await Template.Value;
        var name = "test_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {template}");
        return ConnectionString(name);
    }

    /// <summary>An empty database with no schema at all, for migration tests.</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        var name = "empty_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    public static string ConnectionString(string database, bool pooling = true) =>
        new NpgsqlConnectionStringBuilder(TestServers.PostgresAdmin) { Database = database, Pooling = pooling, MaxPoolSize = 20 }.ConnectionString;

    public static DatabaseOptions Options(string connectionString) =>
        new() { ConnectionString = connectionString, MigrationsPath = Path.Combine(AppContext.BaseDirectory, "migrations") };

    private static async Task<string> CreateTemplateAsync()
    {
        var name = "followup_template_" + Guid.NewGuid().ToString("N")[..8];
        await ExecuteAsync($"CREATE DATABASE {name}");
        var connectionString = ConnectionString(name, pooling: false);
        await Migrations.ApplyAsync(Options(connectionString), NullLogger.Instance, CancellationToken.None);
        // A template must have no open sessions while it is copied.
        NpgsqlConnection.ClearAllPools();
        return name;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServers.PostgresAdmin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
