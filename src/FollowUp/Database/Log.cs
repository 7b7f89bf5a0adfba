using Microsoft.Extensions.Logging;

namespace FollowUp.Database;

internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Migrations: {EvolveMessage}")]
    public static partial void Evolve(ILogger logger, string evolveMessage);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Database schema is up to date ({Applied} migration(s) applied now)")]
    public static partial void Migrated(ILogger logger, int applied);
}
