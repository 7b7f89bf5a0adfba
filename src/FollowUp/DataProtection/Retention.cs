using Dapper;
using FollowUp.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.DataProtection;

/// <summary>How many rows of one kind are past their period, and the oldest instant among them.</summary>
public sealed record RetentionCount(string Kind, string What, TimeSpan Period, DateTimeOffset Cutoff, long Count, DateTimeOffset? Oldest);

/// <summary>How many messages of one mailbox folder are past the raw emails' period.</summary>
public sealed record RetentionFolder(string Folder, long Count, DateTimeOffset? Oldest);

/// <summary>
/// What a retention run removes (a preview) or removed. <see cref="Ran"/> is false when another run held the lock and
/// this one did nothing; <see cref="MailboxProblem"/> says why the mailbox part was not done (the next run retries it).
/// </summary>
public sealed record RetentionReport(DateTimeOffset At, bool Ran, IReadOnlyList<RetentionCount> Kinds, IReadOnlyList<RetentionFolder> Folders,
    string? MailboxProblem);

/// <summary>
/// Removes what is past its retention period, in PostgreSQL and in the inbox's mailbox folders (the daily job, and
/// <c>followup-admin retention preview|run</c>). One run at a time cluster-wide (an advisory lock: a second node or a
/// second admin does nothing); each kind is removed in its own transaction with its audit row, in batches, so an
/// interrupted run leaves each batch done or not, and the next run finds exactly what is left.
/// </summary>
public sealed class Retention
{
    private const int Batch = 1000;
    private const string LockName = "followup.retention";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly IOptions<RetentionOptions> _options;
    private readonly RetentionMailbox _mailbox;
    private readonly ILogger<Retention> _logger;

    internal Retention(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<RetentionOptions> options, RetentionMailbox mailbox,
        ILogger<Retention> logger)
    {
        _dataSource = dataSource;
        _clock = clock;
        _options = options;
        _mailbox = mailbox;
        _logger = logger;
    }

    /// <summary>What the next run would remove now: counts per kind with the oldest date, and per mailbox folder.</summary>
    public async Task<RetentionReport> PreviewAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var counts = new List<RetentionCount>();
        foreach (var kind in RetentionKinds.All)
        {
            var cutoff = now - _options.Value.PeriodOf(kind);
            var row = await connection.QuerySingleAsync<(long Count, DateTime? Oldest)>(new CommandDefinition(
                $"SELECT count(*), min(at) FROM ({kind.Candidates}) c", new { cutoff = cutoff.UtcDateTime }, cancellationToken: cancellationToken));
            counts.Add(Count(kind, cutoff, row.Count, row.Oldest));
        }
        var (folders, problem) = await MailboxAsync(now, remove: false, cancellationToken);
        return new RetentionReport(now, true, counts, folders, problem);
    }

    /// <summary>Removes what is past its period now; <paramref name="actor"/> is named in the audit rows.</summary>
    public async Task<RetentionReport> RunAsync(string actor, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using var lockConnection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (!await lockConnection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT pg_try_advisory_lock(hashtext(@LockName))", new { LockName }, cancellationToken: cancellationToken)))
        {
            Log.AlreadyRunning(_logger);
            return new RetentionReport(now, false, [], [], null);
        }
        try
        {
            var counts = new List<RetentionCount>();
            foreach (var kind in RetentionKinds.All)
            {
                var cutoff = now - _options.Value.PeriodOf(kind);
                var (removed, oldest) = await RemoveAsync(kind, cutoff, now, actor, cancellationToken);
                counts.Add(Count(kind, cutoff, removed, oldest));
                Log.Removed(_logger, kind.Name, removed);
            }
            var (folders, problem) = await MailboxAsync(now, remove: true, cancellationToken);
            if (folders.Sum(f => f.Count) > 0)
                await AuditAsync(now, actor, new { kind = "mailbox", cutoff = (now - _options.Value.RawEmails).UtcDateTime, folders = folders.ToDictionary(f => f.Folder, f => f.Count) },
                    cancellationToken);
            return new RetentionReport(now, true, counts, folders, problem);
        }
        finally
        {
            await lockConnection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(hashtext(@LockName))", new { LockName }, cancellationToken: CancellationToken.None));
        }
    }

    private RetentionCount Count(RetentionKinds.Kind kind, DateTimeOffset cutoff, long count, DateTime? oldest) =>
        new(kind.Name, kind.What, _options.Value.PeriodOf(kind), cutoff, count,
            oldest is { } o ? new DateTimeOffset(DateTime.SpecifyKind(o, DateTimeKind.Utc)) : null);

    /// <summary>One kind, batch by batch: each batch's removal and its audit row commit together.</summary>
    private async Task<(long Removed, DateTime? Oldest)> RemoveAsync(RetentionKinds.Kind kind, DateTimeOffset cutoff, DateTimeOffset now, string actor,
        CancellationToken cancellationToken)
    {
        long removed = 0;
        DateTime? oldest = null;
        while (true)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var batch = (await connection.QueryAsync<(long Id, DateTime At)>(new CommandDefinition(
                $"SELECT id, at FROM ({kind.Candidates}) c ORDER BY at, id LIMIT {Batch}", new { cutoff = cutoff.UtcDateTime }, transaction,
                cancellationToken: cancellationToken))).ToList();
            if (batch.Count == 0) return (removed, oldest);
            var ids = batch.Select(b => b.Id).ToArray();
            var done = kind == RetentionKinds.AuditDetails
                ? await AuditRedaction.RedactAsync(connection, transaction, ids, "past the retention of audit details", unlink: false, actor, now, cancellationToken)
                : await connection.ExecuteAsync(new CommandDefinition(kind.Remove, new { ids, now = now.UtcDateTime, cutoff = cutoff.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            await AuditTrail.WriteAsync(connection, transaction, now, actor, "retention.removed", null, null, null,
                new { kind = kind.Name, count = done, cutoff = cutoff.UtcDateTime, oldest = batch[0].At }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            removed += done;
            oldest ??= batch[0].At;
            // Nothing of this batch could be removed (taken meanwhile by an erasure, say): stop rather than loop over it again.
            if (done == 0 || batch.Count < Batch) return (removed, oldest);
        }
    }

    private async Task AuditAsync(DateTimeOffset now, string actor, object detail, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await AuditTrail.WriteAsync(connection, null, now, actor, "retention.removed", null, null, null, detail, cancellationToken);
    }

    /// <summary>The mailbox part: an unreachable IMAP server stops it (said in the report and the log), never the database part.</summary>
    private async Task<(IReadOnlyList<RetentionFolder>, string?)> MailboxAsync(DateTimeOffset now, bool remove, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var kept = (await connection.QueryAsync<string>(new CommandDefinition(KeptMessageIds, cancellationToken: cancellationToken)))
                .Select(RetentionMailbox.Normalize).ToHashSet(StringComparer.Ordinal);
            return (await _mailbox.SweepAsync(now - _options.Value.RawEmails, kept, remove, cancellationToken), null);
        }
        catch (Exception e) when (e is IOException or MailKit.ProtocolException or MailKit.CommandException or System.Net.Sockets.SocketException
                                      or MailKit.Security.AuthenticationException or TimeoutException)
        {
            Log.MailboxFailed(_logger, e.GetType().Name);
            return ([], $"the mailbox could not be read ({e.GetType().Name}); the next run tries again");
        }
    }

    // The messages whose raw form stays past the period, because a person still has to look at them (the same exceptions
    // as RawEmails in the database): an open alert on their course or about them, or a reply kept and not yet decided.
    private const string KeptMessageIds = """
        SELECT m.message_id
        FROM inbound_messages m LEFT JOIN check_ins ci ON ci.id = m.check_in_id
        WHERE m.message_id IS NOT NULL
          AND ((m.outcome IN ('unverified', 'held') AND m.decided_at IS NULL)
               OR EXISTS (SELECT 1 FROM alerts a WHERE a.status = 'open' AND (a.course_id = ci.course_id OR a.inbound_message_id = m.id)))
        """;
}
