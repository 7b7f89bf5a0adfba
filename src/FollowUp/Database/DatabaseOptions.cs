using Npgsql;

namespace FollowUp.Database;

/// <summary>Where FollowUp keeps its data (section <c>FollowUp:Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "FollowUp:Database";

    /// <summary>An Npgsql connection string. <c>Timezone=UTC</c> is forced whatever it says.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Folder of the plain SQL migrations; by default the <c>migrations</c> folder beside the executable.</summary>
    public string? MigrationsPath { get; set; }

    /// <summary>Apply pending migrations when the worker starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    internal string EffectiveMigrationsPath =>
        string.IsNullOrWhiteSpace(MigrationsPath) ? Path.Combine(AppContext.BaseDirectory, "migrations") : MigrationsPath;

    /// <summary>
    /// The connection string with the session zone pinned to UTC: Dapper lets Npgsql infer timestamp types from
    /// DateTime.Kind, and PostgreSQL would otherwise convert by the session zone silently (reference §4.1).
    /// </summary>
    internal string EffectiveConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Timezone = "UTC" };
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "followup";
        // The same few dozen statements run for every check-in and reply: prepared once per connection, PostgreSQL
        // skips parsing and planning them each time (Npgsql automatic preparation; docs/performance.md). An explicit
        // "Max Auto Prepare" in the connection string wins, 0 included.
        if (!HasKey(ConnectionString, "Max Auto Prepare")) builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    private static bool HasKey(string connectionString, string key) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), key.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{Section}:ConnectionString is required (an Npgsql connection string).";
            yield break;
        }
        string? problem = null;
        try { _ = new NpgsqlConnectionStringBuilder(ConnectionString); }
        catch (ArgumentException e) { problem = e.Message; }
        if (problem is not null) yield return $"{Section}:ConnectionString is not a valid connection string: {problem}";
    }
}
