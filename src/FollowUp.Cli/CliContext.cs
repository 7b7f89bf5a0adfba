using System.CommandLine;
using FollowUp.Courses;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Cli;

/// <summary>A mistake of the person at the keyboard: one line on stderr, exit code 1, never a stack trace.</summary>
internal sealed class UserError(string message) : Exception(message);

/// <summary>What every command shares: settings, services, and the exit-code policy (0 ok, 1 user error, 2 bad arguments).</summary>
internal static class CliContext
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show stack traces of errors", Recursive = true };

    public static readonly Option<string?> ConnectionString = new("--connection")
    {
        Description = "Database connection string (default: FollowUp:Database:ConnectionString from appsettings.json or FollowUp__Database__ConnectionString)",
        Recursive = true,
    };

    public static readonly Option<string?> Actor = new("--actor")
    {
        Description = "Who is making the change, for the audit trail (default: the operating-system user)",
    };

    /// <summary>
    /// Fixes the tool's clock, so that a test or a rehearsal can validate an old export as of its own date. Hidden: an
    /// operator has no reason to give it.
    /// </summary>
    public static readonly Option<DateTimeOffset?> Now = new("--now") { Hidden = true, Recursive = true };

    public static string ActorOf(ParseResult parsed) =>
        parsed.GetValue(Actor) is { Length: > 0 } actor ? actor : Environment.UserName;

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"followup-admin: {error.Message}");
            Console.Error.WriteLine("Run 'followup-admin --help' (or add --help to the command) for usage.");
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            Console.Error.WriteLine($"followup-admin: {message}");
            if (parsed.GetValue(Verbose)) Console.Error.WriteLine(e);
            return 1;
        }
    }

    private static string? Describe(Exception e) => e switch
    {
        UserError or EnrolmentException or SuppressionException or Users.UserException or DataProtection.PatientRequestException => e.Message,
        OptionsValidationException v => "configuration error: " + string.Join("; ", v.Failures),
        // The binder's own complaint about a setting that is not of its type (a duration "abc", an hour 25:00).
        InvalidOperationException when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            "configuration error: " + e.Message,
        NpgsqlException or System.Net.Sockets.SocketException => $"cannot use the database: {e.Message}",
        // Evolve wraps the driver's error (e.g. the server is down during db migrate).
        _ when e.InnerException is NpgsqlException or System.Net.Sockets.SocketException => $"cannot use the database: {e.InnerException.Message}",
        DirectoryNotFoundException => e.Message,
        OperationCanceledException => "cancelled",
        _ => null,
    };

    /// <summary>The library's services configured from appsettings.json beside the tool, the environment and --connection.</summary>
    public static ServiceProvider Services(ParseResult parsed)
    {
        var settings = new Dictionary<string, string?>();
        if (parsed.GetValue(ConnectionString) is { Length: > 0 } connection) settings["FollowUp:Database:ConnectionString"] = connection;
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        // Warnings only, on stderr: stdout is the command's answer, for people and for scripts.
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        if (parsed.GetValue(Now) is { } now) services.AddSingleton<TimeProvider>(new FixedClock(now.ToUniversalTime()));
        services.AddFollowUpCore();
        return services.BuildServiceProvider();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
