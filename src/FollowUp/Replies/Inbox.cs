using FollowUp.Mail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Dapper;
using Npgsql;

namespace FollowUp.Replies;

/// <summary>What one read of the replies mailbox did.</summary>
public sealed record InboxResult(int Read, int Answers);

/// <summary>
/// Reads the replies mailbox over IMAP. Each message is recorded in the database first (keyed by mailbox, UIDVALIDITY
/// and UID, so a second run or a second worker skips it) and only then moved to a folder by outcome. Mail is never
/// deleted. A crash between the two steps leaves a recorded message in INBOX, which the next run just moves.
/// </summary>
public sealed class Inbox(ReplyIntake intake, NpgsqlDataSource dataSource, IOptions<ImapOptions> imapOptions, IOptions<InboxOptions> inboxOptions, ILogger<Inbox> logger)
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
                catch (Exception e) when (e is ImapProtocolException or IOException && !cancellationToken.IsCancellationRequested
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
        var folders = await EnsureFoldersAsync(client, cancellationToken);
        var mailbox = $"imap://{imap.Username}@{imap.Host}:{imap.Port}/{inbox.FullName}";
        if (await intake.LastUidValidityAsync(mailbox, cancellationToken) is { } last && last != inbox.UidValidity)
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
    /// One chunk in a constant number of IMAP commands (docs/performance.md, "Where the time goes"): sizes, one lookup of what is already
    /// recorded, one FETCH of every body (each message recorded in its own transaction as it arrives), then one UID MOVE
    /// per destination folder, only for what is recorded. A failure part-way still moves what was recorded before it.
    /// </summary>
    private async Task<(int Read, int Answers)> ReadChunkAsync(ImapFolder inbox, IList<UniqueId> chunk, string mailbox,
        Dictionary<string, IMailFolder> folders, InboxOptions options, bool uidPlus, CancellationToken cancellationToken)
    {
        var summaries = await inbox.FetchAsync(chunk, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken);
        var recorded = await intake.RecordedOutcomesAsync(mailbox, inbox.UidValidity, summaries.Select(s => s.UniqueId.Id).ToArray(), cancellationToken);
        var outcomes = new Dictionary<UniqueId, InboundOutcome>();
        var toDownload = new List<UniqueId>();
        foreach (var summary in summaries)
        {
            if (recorded.TryGetValue(summary.UniqueId.Id, out var known)) outcomes[summary.UniqueId] = known;
            else if (summary.Size is { } size && size > options.MaxMessageBytes)
            {
                // Checked before download: a huge message must not exhaust memory or hold up the mailbox.
                var headers = await HeadersAsync(inbox, summary.UniqueId, cancellationToken);
                outcomes[summary.UniqueId] = await RejectAsync(Key(summary.UniqueId), headers,
                    $"message of {size} bytes is larger than the limit of {options.MaxMessageBytes}", cancellationToken);
            }
            else toDownload.Add(summary.UniqueId);
        }

        var malformed = new Dictionary<UniqueId, string>();
        Exception? failure = null;
        if (toDownload.Count > 0)
        {
            // Up to IntakeConcurrency messages are recorded at once (each in its own transaction), in mailbox order per
            // sender; the FETCH goes on meanwhile.
            using var slots = new SemaphoreSlim(options.IntakeConcurrency);
            var tails = new Dictionary<string, Task>(StringComparer.OrdinalIgnoreCase);
            var recording = new List<Task>();
            try
            {
                await inbox.GetStreamsAsync(toDownload, async (_, _, uid, stream, token) =>
                {
                    if (Volatile.Read(ref failure) is not null) return;
                    MimeMessage message;
                    try
                    {
                        message = await MimeMessage.LoadAsync(stream, token);
                    }
                    catch (Exception e) when (e is FormatException or ParseException)
                    {
                        malformed[uid] = e.Message;
                        return;
                    }
                    var sender = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";
                    await slots.WaitAsync(token);
                    var previous = tails.GetValueOrDefault(sender) ?? Task.CompletedTask;
                    var task = RecordAsync(previous, uid, message);
                    tails[sender] = task;
                    recording.Add(task);
                }, cancellationToken);
            }
            finally
            {
                // Every record under way finishes (or fails) before the chunk goes on: nothing is left running.
                await Task.WhenAll(recording);
            }

            async Task RecordAsync(Task previous, UniqueId uid, MimeMessage message)
            {
                try
                {
                    await previous;
                    if (Volatile.Read(ref failure) is not null) return;
                    var outcome = await AcceptOrRejectAsync(Key(uid), message, cancellationToken);
                    lock (outcomes) outcomes[uid] = outcome;
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
                finally
                {
                    slots.Release();
                }
            }
        }
        foreach (var (uid, error) in malformed)
        {
            if (failure is not null) break;
            var headers = await HeadersAsync(inbox, uid, cancellationToken);
            outcomes[uid] = await RejectAsync(Key(uid), headers, $"malformed message: {error}", cancellationToken);
        }
        // A message the FETCH did not return was moved meanwhile by a second reader or by hand: its record stands, and
        // the MOVE below skips it (a UID that no longer exists is not an error, RFC 9051 6.4.9).
        if (failure is OperationCanceledException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);

        int read = 0, answers = 0;
        foreach (var group in outcomes.GroupBy(o => InboundFolders.For(o.Value)))
        {
            var moving = group.Select(o => o.Key).ToList();
            try
            {
                var map = await inbox.MoveToAsync(moving, folders[group.Key], cancellationToken);
                // With UIDPLUS the server names what it moved; a UID that vanished meanwhile is not counted as read.
                if (uidPlus) moving = [.. map.Source];
            }
            catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No)
            {
                // "Some of the requested messages no longer exist": moved meanwhile by hand; their records stand.
                moving = await MoveOneByOneAsync(inbox, moving, folders[group.Key], cancellationToken);
            }
            read += moving.Count;
            answers += moving.Count(uid => outcomes[uid] == InboundOutcome.Answer);
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return (read, answers);

        InboundKey Key(UniqueId uid) => new(mailbox, inbox.UidValidity, uid.Id);
    }

    /// <summary>
    /// A message whose content makes its processing fail (a value the database refuses, text no parser expected) is
    /// recorded as rejected with the error and filed in Rejected for an admin, instead of failing every read of the
    /// mailbox at that message and holding up every reply behind it. Server and network faults still fail the read.
    /// </summary>
    private async Task<InboundOutcome> AcceptOrRejectAsync(InboundKey key, MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            return await intake.AcceptAsync(key, message, cancellationToken);
        }
        catch (Exception e) when (IsCausedByContent(e))
        {
            Log.CouldNotProcess(logger, key.Uid, e);
            return await RejectAsync(key, message.Headers, $"could not be processed: {e.GetType().Name}: {e.Message}", cancellationToken);
        }
    }

    private async Task<InboundOutcome> RejectAsync(InboundKey key, HeaderList headers, string reason, CancellationToken cancellationToken)
    {
        try
        {
            return await intake.RejectAsync(key, headers, reason, cancellationToken);
        }
        catch (Exception e) when (IsCausedByContent(e))
        {
            // The headers themselves are what the database refuses: the record keeps the reason, not them.
            return await intake.RejectAsync(key, new HeaderList(), $"{reason}; headers not stored ({e.GetType().Name}: {e.Message})", cancellationToken);
        }
    }

    /// <summary>
    /// Whether an exception comes from what a message holds rather than from a server or the network: parse and
    /// encoding errors, and PostgreSQL refusing a value (class 22 data exception, 23514 check violation, 54 program
    /// limit such as an index row too large). A lost connection or an outage (08, 57, 53, I/O) is not.
    /// </summary>
    internal static bool IsCausedByContent(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("22", StringComparison.Ordinal) || p.SqlState == "23514" || p.SqlState.StartsWith("54", StringComparison.Ordinal),
        FormatException or ParseException or System.Text.DecoderFallbackException or System.Text.EncoderFallbackException or OverflowException => true,
        _ => false,
    };

    private static async Task<HeaderList> HeadersAsync(ImapFolder inbox, UniqueId uid, CancellationToken cancellationToken)
    {
        try
        {
            return await inbox.GetHeadersAsync(uid, cancellationToken);
        }
        catch (Exception e) when (e is FormatException or ParseException)
        {
            // Not even the header block parses (a line that is no header field, e.g. one starting with ':'): it is
            // recorded with no headers rather than stopping the mailbox on every read (hostile-mail fault test).
            return new HeaderList();
        }
    }

    private static async Task<List<UniqueId>> MoveOneByOneAsync(ImapFolder inbox, List<UniqueId> uids, IMailFolder destination, CancellationToken cancellationToken)
    {
        var moved = new List<UniqueId>();
        foreach (var uid in uids)
        {
            try
            {
                await inbox.MoveToAsync(uid, destination, cancellationToken);
                moved.Add(uid);
            }
            catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No)
            {
                // Moved meanwhile by hand; its record stands.
            }
        }
        return moved;
    }

    private static async Task<Dictionary<string, IMailFolder>> EnsureFoldersAsync(ImapClient client, CancellationToken cancellationToken)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        var existing = (await root.GetSubfoldersAsync(false, cancellationToken)).ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var folders = new Dictionary<string, IMailFolder>(StringComparer.Ordinal);
        foreach (var name in InboundFolders.All)
            folders[name] = existing.TryGetValue(name, out var folder)
                ? folder
                : await root.CreateAsync(name, true, cancellationToken) ?? throw new InvalidOperationException($"The IMAP server did not create folder '{name}'.");
        return folders;
    }
}
