using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace FollowUp.Tests.Support;

/// <summary>Reads a real mailbox on the test IMAP server, as the person who owns it would.</summary>
public sealed class Mailbox(string address)
{
    public string Address => address;

    /// <summary>Every message in a folder (INBOX by default).</summary>
    public async Task<IReadOnlyList<MimeMessage>> MessagesAsync(string folder = "INBOX")
    {
        using var client = await ConnectAsync();
        IMailFolder mailFolder;
        try
        {
            mailFolder = folder == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder);
        }
        catch (FolderNotFoundException)
        {
            return [];
        }
        await mailFolder.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<MimeMessage>();
        foreach (var uid in await mailFolder.SearchAsync(SearchQuery.All)) messages.Add(await mailFolder.GetMessageAsync(uid));
        await client.DisconnectAsync(true);
        return messages;
    }

    /// <summary>
    /// Waits (up to a generous deadline, not a timing assertion) until a folder holds <paramref name="count"/> messages.
    /// 90 s: on a loaded 2-core CI machine, with the heavy test classes running beside, Postfix can take tens of seconds.
    /// </summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count = 1, string folder = "INBOX", TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var messages = await MessagesAsync(folder).ConfigureAwait(false);
            if (messages.Count >= count) return messages;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{address}/{folder} holds {messages.Count} message(s), expected {count}.");
            await Task.Delay(100);
        }
    }

    private async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", TestServers.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(address, TestServers.MailPassword);
        return client;
    }
}
