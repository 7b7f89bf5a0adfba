using System.Security.Cryptography;
using FollowUp.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FollowUp.Simulation;

/// <summary>
/// A throw-away database beside the clinic's, on the same server, migrated like a real one and dropped afterwards: a
/// simulation never writes a row into the clinic's own data. Needs the CREATEDB privilege.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private ScratchDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync(DatabaseOptions clinic, ILogger logger, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(clinic.EffectiveConnectionString());
        // Lower-case letters and digits only: the name goes into DDL, where parameters cannot.
        var name = "followup_simulation_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var admin = builder.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        builder.Database = name;
        var scratch = new ScratchDatabase(admin, name, builder.ConnectionString);
        await Migrations.ApplyAsync(new DatabaseOptions { ConnectionString = scratch.ConnectionString, MigrationsPath = clinic.MigrationsPath }, logger, cancellationToken);
        return scratch;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>A simulation on a scratch database with the clinic's own settings (alert rules, schedules' defaults).</summary>
public static class ScratchSimulation
{
    public static async Task<SimulationFigures> RunAsync(IConfiguration clinic, IReadOnlyList<SimulatedCourse> cohort, int seed,
        CancellationToken cancellationToken)
    {
        var database = new DatabaseOptions();
        clinic.GetSection(DatabaseOptions.Section).Bind(database);
        using var loggers = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Warning));
        await using var scratch = await ScratchDatabase.CreateAsync(database, loggers.CreateLogger("simulation"), cancellationToken);
        var overrides = new Dictionary<string, string?>
        {
            ["FollowUp:Database:ConnectionString"] = scratch.ConnectionString,
            // Nothing leaves the machine: the simulated patients and their replies live under a reserved domain.
            ["FollowUp:Clinic:ReplyAddress"] = "replies@simulation.invalid",
            ["FollowUp:Clinic:FromAddress"] = "checkins@simulation.invalid",
            ["FollowUp:Clinic:TokenKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            ["FollowUp:Clinic:TokenKeyFile"] = null,
            // Simulated replies carry no Authentication-Results: their senders are the simulation's own.
            ["FollowUp:Inbox:TrustAllSenders"] = "true",
        };
        var configuration = new ConfigurationBuilder().AddConfiguration(clinic).AddInMemoryCollection(overrides).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddCohortSimulation(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        services.AddFollowUpCore();
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<CohortSimulation>().RunAsync(cohort, seed, cancellationToken: cancellationToken);
    }
}
