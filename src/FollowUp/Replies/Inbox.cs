using FollowUp.Mail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FollowUp.Replies;

/// <summary>What one read of the replies mailbox did.</summary>
public sealed record InboxResult(int Read, int Answers);

/// <summary>
/// Reads the replies mailbox over IMAP. Each message is recorded in the database first (keyed by mailbox, UIDVALIDITY
/// and UID, so a second run or a second worker skips it) and only then moved to a folder by outcome. Mail is never
/// deleted. A crash between the two steps leaves a recorded message in INBOX, which the next run just moves.
/// </summary>
public sealed class Inbox(ReplyIntake intake, IOptions<ImapOptions> imapOptions, IOptions<InboxOptions> inboxOptions, ILogger<Inbox> logger)
{
    public async Task<InboxResult> ReadAsync(CancellationToken cancellationToken)
    {
        ReplyText.EnsureCharsets();
        var imap = imapOptions.Value;
        var options = inboxOptions.Value;
        var client = await MailConnections.ConnectImapAsync(imap, cancellationToken);
        int read = 0, answers = 0;
        try
        {
            var inbox = client.Inbox;
            await inbox.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
            var folders = await EnsureFoldersAsync(client, cancellationToken);
            var mailbox = $"imap://{imap.Username}@{imap.Host}:{imap.Port}/{inbox.FullName}";
            var uids = await inbox.SearchAsync(SearchQuery.All, cancellationToken);
            foreach (var chunk in uids.Chunk(options.BatchSize))
            {
                var summaries = await inbox.FetchAsync(chunk, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken);
                foreach (var summary in summaries)
                {
                    var key = new InboundKey(mailbox, inbox.UidValidity, summary.UniqueId.Id);
                    var outcome = await intake.RecordedOutcomeAsync(key, cancellationToken)
                                  ?? await AcceptAsync(inbox, summary, key, options, cancellationToken);
                    await inbox.MoveToAsync(summary.UniqueId, folders[InboundFolders.For(outcome)], cancellationToken);
                    read++;
                    if (outcome == InboundOutcome.Answer) answers++;
                }
            }
        }
        finally
        {
            await MailConnections.CloseAsync(client);
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
        catch (Exception e) when (e is FormatException or ParseException)
        {
            var headers = await inbox.GetHeadersAsync(summary.UniqueId, cancellationToken);
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
