using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FollowUp.Operations;

/// <summary>
/// The servers this worker cannot reach right now. Each outage is logged once as a warning when it begins and once
/// when the server answers again (with how long it lasted), however many jobs and messages run into it meanwhile, so
/// an operator sees "SMTP server 127.0.0.1:25 unreachable; check-ins will be retried" instead of one stack trace per
/// message and poll. Only host and port are named: never a user, password or connection string.
/// </summary>
internal sealed class Outages(ILogger<Outages> logger, Npgsql.NpgsqlDataSource dataSource)
{
    public const string Smtp = "SMTP";
    public const string Imap = "IMAP";
    public const string Postgres = "PostgreSQL";

    // (server, endpoint) -> when this process first found it unreachable (wall-clock stopwatch: about processes, not
    // about the clinic's calendar, so never the business TimeProvider).
    private readonly ConcurrentDictionary<(string Server, string Endpoint), long> _down = new();

    /// <summary>What the worker does about an outage of each server, for the operator reading the log.</summary>
    private static string Consequence(string server) => server switch
    {
        Smtp => "check-ins will be retried",
        Imap => "replies wait in the mailbox and will be read when it is back",
        _ => "jobs will resume when it is back",
    };

    /// <summary>
    /// A connection to <paramref name="server"/> failed: logged when this is the start of an outage. A server that
    /// answered but refused this worker's login or its secure connection (<see cref="Mail.MailFailureKind.LoginRefused"/>:
    /// a changed password, a re-issued certificate) is the same for the work, which waits untried, but only the operator can
    /// end it: it is logged as an error naming the settings to check (903) instead of a warning (900).
    /// </summary>
    public void Unreachable(string server, string endpoint, Exception error)
    {
        var reason = Describe(error);
        if (!_down.TryAdd((server, endpoint), Stopwatch.GetTimestamp()))
            Log.StillUnreachable(logger, server, endpoint, reason);
        else if (Mail.MailFailure.Of(error)?.Kind == Mail.MailFailureKind.LoginRefused)
            Log.LoginRefused(logger, server, endpoint, Consequence(server), server == Imap ? "FollowUp:Imap" : "FollowUp:Smtp", reason);
        else
            Log.Unreachable(logger, server, endpoint, Consequence(server), reason);
    }

    /// <summary>A connection to <paramref name="server"/> worked: logged when this ends an outage.</summary>
    public void Reachable(string server, string endpoint) => Reachable(server, endpoint, long.MaxValue);

    /// <summary>
    /// As <see cref="Reachable(string, string)"/>, for work that began at <paramref name="workStarted"/>: work that
    /// began before the outage was noticed and happened to finish without the server proves nothing about it now.
    /// </summary>
    private void Reachable(string server, string endpoint, long workStarted)
    {
        if (_down.IsEmpty || !_down.TryGetValue((server, endpoint), out var since) || since >= workStarted
            || !_down.TryRemove(new KeyValuePair<(string, string), long>((server, endpoint), since))) return;
        var seconds = Math.Round(Stopwatch.GetElapsedTime(since).TotalSeconds, 1);
        Log.Reachable(logger, server, endpoint, seconds);
    }

    /// <summary>
    /// Runs one tick of a Quartz job. A server that cannot be reached (the database, or the job's mail server) is an
    /// outage, logged once by <see cref="Unreachable"/>, and the tick simply ends: the next tick tries again and
    /// catches up, because the rows, not the job, say what is still to do. Anything else fails the job as before.
    /// </summary>
    /// <remarks>
    /// mailServer: the mail server the job talks to (its connection failures are outages too), or null.
    /// mailConnectsEveryTick: the job connects to it on every tick, so a tick that worked proves it is back (the
    /// inbox); a job that connects only when it has something to send (alerts) leaves that to the one that does.
    /// </remarks>
    public async Task TickAsync(Func<Task> tick, string? mailServer, Mail.MailServerOptions? mail, bool mailConnectsEveryTick, CancellationToken cancellationToken)
    {
        var mailEndpoint = mail?.Endpoint ?? "";
        var started = Stopwatch.GetTimestamp();
        try
        {
            await tick();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsDatabaseOutage(e))
        {
            Unreachable(Postgres, DatabaseEndpoint, e);
            return;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && mailServer is not null && Mail.MailFailure.IsServerUnavailable(e))
        {
            Unreachable(mailServer, mailEndpoint, e);
            return;
        }
        Reachable(Postgres, DatabaseEndpoint, started);
        if (mailServer is not null && mailConnectsEveryTick) Reachable(mailServer, mailEndpoint, started);
    }

    /// <summary>"host:port" of the database, without user or password; parsed once, not on every tick.</summary>
    private string DatabaseEndpoint { get; } = EndpointOf(dataSource.ConnectionString);

    private static string EndpointOf(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}";
    }

    /// <summary>
    /// The database cannot be reached or is restarting: a network error (Npgsql marks it transient) or the server
    /// ending or refusing sessions (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now).
    /// </summary>
    internal static bool IsDatabaseOutage(Exception e) =>
        e is Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" }
        || (e is Npgsql.NpgsqlException { IsTransient: true } and not Npgsql.PostgresException);

    /// <summary>The exception chain's types and messages (the innermost says why: "Connection refused").</summary>
    private static string Describe(Exception error)
    {
        var parts = new List<string>();
        for (var e = error; e is not null && parts.Count < 3; e = e.InnerException) parts.Add($"{e.GetType().Name}: {e.Message}");
        return string.Join(" <- ", parts);
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "{Server} server {Endpoint} unreachable; {Consequence} ({Reason})")]
    public static partial void Unreachable(ILogger logger, string server, string endpoint, string consequence, string reason);

    [LoggerMessage(EventId = 901, Level = LogLevel.Debug, Message = "{Server} server {Endpoint} still unreachable ({Reason})")]
    public static partial void StillUnreachable(ILogger logger, string server, string endpoint, string reason);

    [LoggerMessage(EventId = 903, Level = LogLevel.Error, Message = "{Server} server {Endpoint} refused the login or the secure connection; {Consequence}; check {Section}:Username, Password (or PasswordFile), Security and CertificateThumbprint ({Reason})")]
    public static partial void LoginRefused(ILogger logger, string server, string endpoint, string consequence, string section, string reason);

    [LoggerMessage(EventId = 902, Level = LogLevel.Information, Message = "{Server} server {Endpoint} reachable again after {Seconds} s; catching up")]
    public static partial void Reachable(ILogger logger, string server, string endpoint, double seconds);

    [LoggerMessage(EventId = 904, Level = LogLevel.Warning, Message = "{Warning}; set it to false unless this network is private")]
    public static partial void PlainTextAllowed(ILogger logger, string warning);

    [LoggerMessage(EventId = 905, Level = LogLevel.Warning, Message = "{Warning}; only for a local or test mail server: set it to false and name the receiving server's AuthServId")]
    public static partial void EverySenderTrusted(ILogger logger, string warning);

    [LoggerMessage(EventId = 906, Level = LogLevel.Warning, Message = "{Warning}; set FollowUp:Alerts:LeadAddress")]
    public static partial void NoLead(ILogger logger, string warning);
}
