using FollowUp.Mail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Options;

namespace FollowUp.DataProtection;

/// <summary>A message of the replies mailbox as it is kept there: its folder, its Message-ID and its raw bytes.</summary>
internal sealed record KeptMessage(string Folder, string MessageId, byte[] Raw);

/// <summary>
/// One patient's messages in the replies mailbox: the inbox and every folder the inbox moves processed mail into
/// (Processed, Unmatched, Bounces, Auto-replies, Rejected), found by their Message-IDs, read for an export or removed
/// for an erasure (UID STORE \Deleted and UID EXPUNGE of exactly those UIDs, folder by folder).
/// </summary>
internal sealed class PatientMailbox(IOptions<ImapOptions> imapOptions)
{
    // A SEARCH with hundreds of ORs is a long command line; servers cap it (Dovecot at 64 KiB).
    private const int IdsPerSearch = 50;

    public async Task<List<KeptMessage>> ReadAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        var found = new List<KeptMessage>();
        await ForEachFolderAsync(messageIds, FolderAccess.ReadOnly, async (folder, matches) =>
        {
            foreach (var (uid, id) in matches)
            {
                await using var stream = await folder.GetStreamAsync(uid, cancellationToken);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, cancellationToken);
                found.Add(new KeptMessage(folder.FullName, id, copy.ToArray()));
            }
        }, cancellationToken);
        return found;
    }

    /// <summary>Removes every message with one of <paramref name="messageIds"/> from every folder; returns how many.</summary>
    public async Task<int> DeleteAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken)
    {
        var removed = 0;
        await ForEachFolderAsync(messageIds, FolderAccess.ReadWrite, async (folder, matches) =>
        {
            var uids = matches.Select(m => m.Uid).ToList();
            await folder.StoreAsync(uids, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, cancellationToken);
            // UID EXPUNGE removes exactly these; a plain EXPUNGE would also remove whatever else someone flagged \Deleted.
            await folder.ExpungeAsync(uids, cancellationToken);
            removed += uids.Count;
        }, cancellationToken);
        return removed;
    }

    private async Task ForEachFolderAsync(IReadOnlyCollection<string> messageIds, FolderAccess access,
        Func<IMailFolder, List<(UniqueId Uid, string Id)>, Task> act, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0) return;
        var wanted = messageIds.Select(Bare).ToHashSet(StringComparer.Ordinal);
        var client = await MailConnections.ConnectImapAsync(imapOptions.Value, cancellationToken);
        try
        {
            if (access == FolderAccess.ReadWrite && !client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
                throw new InvalidOperationException("the IMAP server does not offer UIDPLUS, so FollowUp cannot remove one patient's messages without touching others");
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            var folders = new List<IMailFolder> { client.Inbox };
            folders.AddRange((await root.GetSubfoldersAsync(false, cancellationToken))
                .Where(f => Replies.InboundFolders.All.Contains(f.Name, StringComparer.OrdinalIgnoreCase)));
            foreach (var folder in folders)
            {
                await folder.OpenAsync(access, cancellationToken);
                var matches = new List<(UniqueId, string)>();
                foreach (var chunk in wanted.Chunk(IdsPerSearch))
                {
                    var query = chunk.Select(id => (SearchQuery)SearchQuery.HeaderContains("Message-ID", id)).Aggregate(SearchQuery.Or);
                    var uids = await folder.SearchAsync(query, cancellationToken);
                    if (uids.Count == 0) continue;
                    // SEARCH HEADER matches a part of the value: keep only the messages whose Message-ID is one of these exactly.
                    foreach (var summary in await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope, cancellationToken))
                        if (summary.Envelope?.MessageId is { } id && wanted.Contains(Bare(id)))
                            matches.Add((summary.UniqueId, Bare(id)));
                }
                if (matches.Count > 0) await act(folder, matches);
                await folder.CloseAsync(false, cancellationToken);
            }
        }
        finally
        {
            await MailConnections.CloseAsync(client);
        }
    }

    private static string Bare(string messageId) => messageId.Trim().Trim('<', '>');
}
