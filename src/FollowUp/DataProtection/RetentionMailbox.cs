using FollowUp.Mail;
using FollowUp.Replies;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Options;

namespace FollowUp.DataProtection;

/// <summary>
/// The processed mail in the inbox's own folders (Processed, Unmatched, Bounces, Auto-replies, Rejected), which would
/// otherwise stay for ever: what arrived before the cutoff is flagged \Deleted and expunged by UID. Never INBOX, whose
/// mail is not read yet, and never a folder FollowUp did not make.
/// </summary>
internal sealed class RetentionMailbox(IOptions<ImapOptions> imap)
{
    private const int FetchChunk = 500;

    /// <summary>Per folder, what arrived before <paramref name="cutoff"/> (less what must stay); removed when <paramref name="remove"/>.</summary>
    public async Task<IReadOnlyList<RetentionFolder>> SweepAsync(DateTimeOffset cutoff, IReadOnlySet<string> keptMessageIds, bool remove,
        CancellationToken cancellationToken)
    {
        using var client = await MailConnections.ConnectImapAsync(imap.Value, cancellationToken);
        try
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            var existing = (await root.GetSubfoldersAsync(false, cancellationToken)).ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
            var result = new List<RetentionFolder>();
            foreach (var name in InboundFolders.All)
            {
                if (!existing.TryGetValue(name, out var folder)) continue;
                var (uids, oldest) = await PastAsync(folder, cutoff, keptMessageIds, remove, cancellationToken);
                if (remove && uids.Count > 0)
                {
                    await folder.AddFlagsAsync(uids, MessageFlags.Deleted, true, cancellationToken);
                    // UID EXPUNGE removes exactly these; without UIDPLUS a plain EXPUNGE of this folder, where only
                    // FollowUp flags messages \Deleted.
                    if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus)) await folder.ExpungeAsync(uids, cancellationToken);
                    else await folder.ExpungeAsync(cancellationToken);
                }
                result.Add(new RetentionFolder(name, uids.Count, oldest));
                await folder.CloseAsync(false, cancellationToken);
            }
            return result;
        }
        finally
        {
            await MailConnections.CloseAsync(client);
        }
    }

    /// <summary>
    /// BEFORE compares dates only, in the server's zone, so it narrows the search; each candidate's internal date (when it
    /// reached the mailbox, kept by MOVE) is then compared with the cutoff to the second.
    /// </summary>
    private static async Task<(IList<UniqueId> Uids, DateTimeOffset? Oldest)> PastAsync(IMailFolder folder, DateTimeOffset cutoff,
        IReadOnlySet<string> keptMessageIds, bool remove, CancellationToken cancellationToken)
    {
        await folder.OpenAsync(remove ? FolderAccess.ReadWrite : FolderAccess.ReadOnly, cancellationToken);
        var candidates = await folder.SearchAsync(SearchQuery.DeliveredBefore(cutoff.UtcDateTime.Date.AddDays(2)), cancellationToken);
        var past = new List<UniqueId>();
        DateTimeOffset? oldest = null;
        foreach (var chunk in candidates.Chunk(FetchChunk))
        {
            var summaries = await folder.FetchAsync(chunk, MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate | MessageSummaryItems.Envelope,
                cancellationToken);
            foreach (var summary in summaries)
            {
                if (summary.InternalDate is not { } delivered || delivered >= cutoff) continue;
                if (summary.Envelope?.MessageId is { } id && keptMessageIds.Contains(Normalize(id))) continue;
                past.Add(summary.UniqueId);
                if (oldest is null || delivered < oldest) oldest = delivered;
            }
        }
        return (past, oldest);
    }

    /// <summary>A Message-ID as the inbox stores it and as IMAP's envelope gives it, compared without angle brackets.</summary>
    internal static string Normalize(string messageId) => messageId.Trim().Trim('<', '>');
}
