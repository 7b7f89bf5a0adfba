using MailKit;
using MailKit.Net.Imap;

namespace FollowUp.Replies;

/// <summary>
/// The inbox's folders on the IMAP server (<see cref="InboundFolders"/>), made where missing, and the moves into them:
/// one UID MOVE per folder for a chunk, one message at a time only when some of it vanished meanwhile.
/// </summary>
internal static class InboxMoves
{
    public static async Task<Dictionary<string, IMailFolder>> EnsureFoldersAsync(ImapClient client, CancellationToken cancellationToken)
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

    /// <summary>One UID MOVE per destination folder; returns what was moved (with UIDPLUS, what the server says it moved).</summary>
    public static async Task<List<UniqueId>> MoveAsync(ImapFolder inbox, Dictionary<UniqueId, InboundOutcome> outcomes, Dictionary<string, IMailFolder> folders,
        bool uidPlus, CancellationToken cancellationToken)
    {
        var read = new List<UniqueId>();
        foreach (var group in outcomes.GroupBy(o => InboundFolders.For(o.Value)))
        {
            var moving = group.Select(o => o.Key).ToList();
            try
            {
                var map = await inbox.MoveToAsync(moving, folders[group.Key], cancellationToken);
                // With UIDPLUS the server names what it moved; a UID that vanished meanwhile is not counted as read.
                if (uidPlus) moving = [.. map.Source];
            }
            catch (Exception e) when (InboxFailures.IsGoneFromMailbox(e))
            {
                // "Some of the requested messages no longer exist": moved meanwhile by hand; their records stand.
                moving = await MoveOneByOneAsync(inbox, moving, folders[group.Key], cancellationToken);
            }
            read.AddRange(moving);
        }
        return read;
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
            catch (Exception e) when (InboxFailures.IsGoneFromMailbox(e))
            {
                // Moved meanwhile by hand; its record stands.
            }
        }
        return moved;
    }
}
