using Dapper;
using Npgsql;

namespace FollowUp.Database;

/// <summary>One Npgsql data source per process; Dapper reads snake_case columns into PascalCase members.</summary>
internal static class Db
{
    private static int _configured;

    public static NpgsqlDataSource CreateDataSource(DatabaseOptions options)
    {
        ConfigureDapper();
        return NpgsqlDataSource.Create(options.EffectiveConnectionString());
    }

    /// <summary>Process-global Dapper settings, set once.</summary>
    public static void ConfigureDapper()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }
}
