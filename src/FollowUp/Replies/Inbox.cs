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
        var inbox = client.Inbox;
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
            var summaries = await inbox.FetchAsync(chunk, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken);
            foreach (var summary in summaries)
            {
                var key = new InboundKey(mailbox, inbox.UidValidity, summary.UniqueId.Id);
                var outcome = await intake.RecordedOutcomeAsync(key, cancellationToken)
                              ?? await AcceptAsync(inbox, summary, key, options, cancellationToken);
                try
                {
                    await inbox.MoveToAsync(summary.UniqueId, folders[InboundFolders.For(outcome)], cancellationToken);
                }
                catch (ImapCommandException e) when (e.Response == ImapCommandResponse.No)
                {
                    // "Some of the requested messages no longer exist": moved meanwhile by hand; its record stands.
                    continue;
                }
                read++;
                if (outcome == InboundOutcome.Answer) answers++;
            }
        }
        if (read > 0) Log.InboxRead(logger, read, answers);
        return new InboxResult(read, answers);
    }

    private async Task<InboundOutcome> AcceptAsync(IMailFolder inbox, IMessageSummary summary, InboundKey key, InboxOptions options, CancellationToken cancellationToken)
    {
        if (summary.Size is { } size && size > options.MaxMessageBytes)
        {
            // Checked before download: a huge message must not exhaust memory or hold up the mailbox.
            var headers = await inbox.GetHeadersAsync(summary.UniqueId, cancellationToken);
            return await intake.RejectAsync(key, headers, $"message of {size} bytes is larger than the limit of {options.MaxMessageBytes}", cancellationToken);
        }
        MimeMessage message;
        try
        {
            message = await inbox.GetMessageAsync(summary.UniqueId, cancellationToken);
        }
        catch (MessageNotFoundException)
        {
            // A second reader recorded and moved it meanwhile: its record stands.
            return await intake.RecordedOutcomeAsync(key, cancellationToken) ?? InboundOutcome.Duplicate;
        }
        catch (Exception e) when (e is FormatException or ParseException)
        {
            HeaderList headers;
            try
            {
                headers = await inbox.GetHeadersAsync(summary.UniqueId, cancellationToken);
            }
            catch (Exception again) when (again is FormatException or ParseException)
            {
                // Not even the header block parses (a line that is no header field, e.g. one starting with ':'): it is
                // recorded with no headers rather than stopping the mailbox on every read (hostile-mail fault test).
                headers = new HeaderList();
            }
            return await intake.RejectAsync(key, headers, $"malformed message: {e.Message}", cancellationToken);
        }
        return await intake.AcceptAsync(key, message, cancellationToken);
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
