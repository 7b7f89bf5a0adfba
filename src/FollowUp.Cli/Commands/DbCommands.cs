using System.CommandLine;
using FollowUp.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FollowUp.Cli.Commands;

internal static class DbCommands
{
    public static Command Build()
    {
        var migrate = new Command("migrate", """
            Apply the SQL migrations in migrations/ that are not applied yet (safe to run while workers run).
            Example: followup-admin db migrate
            """);
        migrate.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("followup-admin");
            var applied = await Migrations.ApplyAsync(options, logger, cancellationToken);
            Console.WriteLine(applied == 0 ? "The database schema is up to date." : $"Applied {applied} migration(s); the schema is up to date.");
            return 0;
        });
        return new Command("db", "The database schema.") { migrate };
    }
}
