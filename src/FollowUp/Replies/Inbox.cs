using FollowUp.Mail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Dapper;
using Npgsql;
using System.Threading.Channels;

namespace FollowUp.Replies;

/// <summary>What one read of the replies mailbox did.</summary>
internal sealed record InboxResult(int Read, int Answers);

/// <summary>
/// Reads the replies mailbox over IMAP. Each message is recorded in the database first (keyed by mailbox, UIDVALIDITY
/// and UID, so a second run or a second worker skips it) and only then moved to a folder by outcome. Mail is never
/// deleted. A crash between the two steps leaves a recorded message in INBOX, which the next run just moves.
/// </summary>
internal sealed class Inbox(ReplyIntake intake, InboundStore store, NpgsqlDataSource dataSource, IOptions<ImapOptions> imapOptions, IOptions<InboxOptions> inboxOptions, ILogger<Inbox> logger)
{
    /// <summary>Reads the mailbox once: every message now in INBOX is recorded and moved.</summary>
    public Task<InboxResult> ReadAsync(CancellationToken cancellationToken) => RunAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Reads the mailbox, then (for up to <paramref name="maxRunTime"/>) waits for new mail with IDLE where the server
    /// has it, re-issued every <see cref="InboxOptions.IdleRestart"/> (Gmail drops idle connections at about 10
    /// minutes), or polls every <see cref="InboxOptions.PollInterval"/> where it has not, reading again each time.
    /// A dropped connection (protocol or I/O error) is reconnected; the per-message records make the re-read safe.
    /// One reader per mailbox at a time: a PostgreSQL advisory lock, so a second worker returns at once.
    /// </summary>
    public async Task<InboxResult> RunAsync(TimeSpan maxRunTime, CancellationToken cancellationToken)
    {
        ReplyText.EnsureCharsets();
        var imap = imapOptions.Value;
        var options = inboxOptions.Value;
        var mailboxName = $"imap://{imap.Username}@{imap.Host}:{imap.Port}";
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await lockConnection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(hashtext(@mailboxName))", new { mailboxName }, cancellationToken: cancellationToken)))
            return new InboxResult(0, 0);
        var total = new InboxResult(0, 0);
        // Wall-clock run time of this job, not business time: measured, never read from the clock.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        TimeSpan Remaining() => maxRunTime - System.Diagnostics.Stopwatch.GetElapsedTime(started);
        try
        {
            var failures = 0;
            var rereadWithoutProgress = false;
            while (true)
            {
                ImapClient? client = null;
                try
                {
                    client = await MailConnections.ConnectImapAsync(imap, cancellationToken);
                    while (true)
                    {
                        var pass = await ReadOnceAsync(client, imap, options, cancellationToken);
                        total = new InboxResult(total.Read + pass.Read, total.Answers + pass.Answers);
                        failures = 0;
                        var remaining = Remaining();
                        if (remaining <= TimeSpan.Zero) return total;
                        // Mail that came during the pass (its EXISTS may ride on the SEARCH response, so IDLE would never
                        // announce it) is read at once; one re-read without progress, then wait, so a message that
                        // cannot be moved does not spin the loop.
                        if (client.Inbox.Count > 0 && (pass.Read > 0 || !rereadWithoutProgress))
                        {
                            rereadWithoutProgress = pass.Read == 0;
                            continue;
                        }
                        rereadWithoutProgress = false;
                        await WaitForMailAsync(client, remaining, options, cancellationToken);
                    }
                }
                catch (Exception e) when (InboxFailures.IsConnectionLost(e) && !cancellationToken.IsCancellationRequested
                                          && Remaining() > TimeSpan.Zero && ++failures <= 5)
                {
                    Log.Reconnecting(logger, e);
                    await Task.Delay(TimeSpan.FromSeconds(failures), cancellationToken);
                }
                catch (ServiceNotConnectedException) when (cancellationToken.IsCancellationRequested)
                {
                    // MailKit drops the connection when IDLE is cancelled; to the caller this is just the cancellation.
                    cancellationToken.ThrowIfCancellationRequested();
                }
                finally
                {
                    if (client is not null) await MailConnections.CloseAsync(client);
                }
            }
        }
        finally
        {
            await lockConnection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(hashtext(@mailboxName))", new { mailboxName }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>Returns when new mail may have arrived, the IDLE period is over, or the run time is up.</summary>
    private static async Task WaitForMailAsync(ImapClient client, TimeSpan remaining, InboxOptions options, CancellationToken cancellationToken)
    {
        if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            await Task.Delay(Min(options.PollInterval, remaining), cancellationToken);
            return;
        }
        using var done = new CancellationTokenSource(Min(options.IdleRestart, remaining));
        void Arrived(object? sender, EventArgs e) => done.Cancel();
        client.Inbox.CountChanged += Arrived;
        try
        {
            await client.IdleAsync(done.Token, cancellationToken);
        }
        finally
        {
            client.Inbox.CountChanged -= Arrived;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task<InboxResult> ReadOnceAsync(ImapClient client, ImapOptions imap, InboxOptions options, CancellationToken cancellationToken)
    {
        int read = 0, answers = 0;
        var inbox = (ImapFolder)client.Inbox;
        if (!inbox.IsOpen) await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var folders = await InboxMoves.EnsureFoldersAsync(client, cancellationToken);
        var mailbox = $"imap://{imap.Username}@{imap.Host}:{imap.Port}/{inbox.FullName}";
        if (await store.LastUidValidityAsync(mailbox, cancellationToken) is { } last && last != inbox.UidValidity)
            // New UIDs for old mail (a restored or migrated mailbox): every message is read again under its new key,
            // and the Message-ID check records what was already processed as a duplicate instead of storing it twice.
            Log.UidValidityChanged(logger, mailbox, last, inbox.UidValidity);
        var uids = await inbox.SearchAsync(SearchQuery.All, cancellationToken);
        foreach (var chunk in uids.Chunk(options.BatchSize))
        {
            var (chunkRead, chunkAnswers) = await ReadChunkAsync(inbox, chunk, mailbox, folders, options, client.Capabilities.HasFlag(ImapCapabilities.UidPlus), cancellationToken);
            read += chunkRead;
            answers += chunkAnswers;
        }
        if (read > 0) Log.InboxRead(logger, read, answers);
        return new InboxResult(read, answers);
    }

    /// <summary>
    /// One chunk in a constant number of IMAP commands: sizes, one lookup of what is already recorded, one FETCH of
    /// the bodies per part of at most <see cref="MaxBytesPerTransaction"/> (each part recorded in one transaction),
    /// then one UID MOVE per destination folder, only for what is recorded. A failure part-way still moves what was
    /// recorded before it, then fails the read.
    /// </summary>
    private async Task<(int Read, int Answers)> ReadChunkAsync(ImapFolder inbox, IList<UniqueId> chunk, string mailbox,
        Dictionary<string, IMailFolder> folders, InboxOptions options, bool uidPlus, CancellationToken cancellationToken)
    {
        var summaries = await inbox.FetchAsync(chunk, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken);
        var recorded = await store.RecordedOutcomesAsync(mailbox, inbox.UidValidity, summaries.Select(s => s.UniqueId.Id).ToArray(), cancellationToken);
        var outcomes = summaries.Where(s => recorded.ContainsKey(s.UniqueId.Id)).ToDictionary(s => s.UniqueId, s => recorded[s.UniqueId.Id]);
        Exception? failure = null;
        foreach (var part in Parts(summaries.Where(s => !recorded.ContainsKey(s.UniqueId.Id)).OrderBy(s => s.UniqueId.Id), options.MaxMessageBytes))
        {
            // Each message is recorded (in the part's one transaction) while the FETCH of the next goes on.
            var fetched = Channel.CreateUnbounded<Incoming>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var recording = intake.RecordChunkAsync(fetched.Reader, cancellationToken);
            try
            {
                await DownloadAsync(inbox, part, mailbox, options.MaxMessageBytes, fetched.Writer, cancellationToken);
            }
            finally
            {
                // What was fetched before a failure is still recorded; the failure then fails the read, unmoved.
                fetched.Writer.Complete();
                (var stored, failure) = await recording;
                foreach (var (key, outcome) in stored) outcomes[new UniqueId(key.Uid)] = outcome;
            }
            if (failure is not null) break;
        }
        // A message the FETCH did not return was moved meanwhile by a second reader or by hand: its record stands, and
        // the MOVE below skips it (a UID that no longer exists is not an error, RFC 9051 6.4.9).
        var read = await InboxMoves.MoveAsync(inbox, outcomes, folders, uidPlus, cancellationToken);
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return (read.Count, read.Count(uid => outcomes[uid] == InboundOutcome.Answer));
    }

    /// <summary>
    /// The bytes one transaction's messages may hold in memory together: the messages of a part are downloaded,
    /// then recorded in one transaction, and held until it commits.
    /// </summary>
    private const long MaxBytesPerTransaction = 16 * 1024 * 1024;

    /// <summary>Consecutive messages up to <see cref="MaxBytesPerTransaction"/> together (an oversized one counts nothing: it is not downloaded).</summary>
    private static IEnumerable<List<IMessageSummary>> Parts(IEnumerable<IMessageSummary> summaries, int maxMessageBytes)
    {
        var part = new List<IMessageSummary>();
        long bytes = 0;
        foreach (var summary in summaries)
        {
            var size = summary.Size is { } s && s <= maxMessageBytes ? (long)s : 0;
            if (part.Count > 0 && bytes + size > MaxBytesPerTransaction)
            {
                yield return part;
                (part, bytes) = ([], 0);
            }
            part.Add(summary);
            bytes += size;
        }
        if (part.Count > 0) yield return part;
    }

    /// <summary>
    /// The messages of <paramref name="part"/>, in one FETCH, each parsed as it arrives, or refused with why (larger
    /// than the limit: checked before download, so a huge message cannot exhaust memory; malformed), to <paramref name="fetched"/>.
    /// Refused ones come last: they change nothing but their own record, so their order does not matter.
    /// </summary>
    private static async Task DownloadAsync(ImapFolder inbox, List<IMessageSummary> part, string mailbox, int maxMessageBytes,
        ChannelWriter<Incoming> fetched, CancellationToken cancellationToken)
    {
        InboundKey Key(UniqueId uid) => new(mailbox, inbox.UidValidity, uid.Id);
        var refused = part.Where(s => s.Size is { } size && size > maxMessageBytes)
            .ToDictionary(s => s.UniqueId, s => $"message of {s.Size} bytes is larger than the limit of {maxMessageBytes}");
        var wanted = part.Select(s => s.UniqueId).Where(uid => !refused.ContainsKey(uid)).ToList();
        if (wanted.Count > 0)
            await inbox.GetStreamsAsync(wanted, async (_, _, uid, stream, token) =>
            {
                try
                {
                    await fetched.WriteAsync(Incoming.Of(Key(uid), await MimeMessage.LoadAsync(stream, token)), token);
                }
                catch (Exception e) when (InboxFailures.IsUnparseable(e))
                {
                    refused[uid] = $"malformed message: {e.Message}";
                }
            }, cancellationToken);
        foreach (var (uid, reason) in refused.OrderBy(r => r.Key.Id))
            await fetched.WriteAsync(Incoming.Refused(Key(uid), await HeadersAsync(inbox, uid, cancellationToken), reason), cancellationToken);
    }

    private static async Task<HeaderList> HeadersAsync(ImapFolder inbox, UniqueId uid, CancellationToken cancellationToken)
    {
        try
        {
            return await inbox.GetHeadersAsync(uid, cancellationToken);
        }
        catch (Exception e) when (InboxFailures.IsUnparseable(e))
        {
            // Not even the header block parses (a line that is no header field, e.g. one starting with ':'): it is
            // recorded with no headers rather than stopping the mailbox on every read (hostile-mail fault test).
            return new HeaderList();
        }
    }
}
