using EvolveDb;
using EvolveDb.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FollowUp.Database;

/// <summary>
/// Applies the plain SQL files in <c>migrations/</c> with Evolve: a PostgreSQL advisory lock makes two instances
/// starting together apply each script once, checksums refuse an edited script that was already applied, and each
/// script commits in its own transaction (reference §5).
/// </summary>
public static class Migrations
{
    public static async Task<int> ApplyAsync(DatabaseOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var folder = options.EffectiveMigrationsPath;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Migrations folder not found: {folder} (set FollowUp:Database:MigrationsPath).");

        // Evolve's API is synchronous; it runs on a thread-pool thread so the host is not blocked.
        return await Task.Run(() =>
        {
            using var connection = new NpgsqlConnection(options.EffectiveConnectionString());
            var evolve = new Evolve(connection, message => Log.Evolve(logger, message))
            {
                Locations = [folder],
                IsEraseDisabled = true,
                TransactionMode = TransactionKind.CommitEach,
                EnableClusterMode = true,
                // Quartz's DDL and our comments contain no ${...}; turning placeholders off keeps any future
                // PL/pgSQL text from being rewritten behind our back.
                PlaceholderPrefix = "${__followup_no_placeholders__",
            };
            evolve.Migrate();
            return evolve.NbMigration;
        }, cancellationToken);
    }
}
