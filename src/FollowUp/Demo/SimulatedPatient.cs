using FollowUp.Mail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;

namespace FollowUp.Demo;

/// <summary>
/// A patient with a real mailbox: finds a check-in email over IMAP and answers it through the SMTP server the way
/// a typical mail client does (top-posted, the original quoted below, threading headers set).
/// </summary>
internal sealed class SimulatedPatient(string address, ImapOptions imap, SmtpOptions smtp)
{
    public string Address => address;

    /// <summary>Waits until the email with this Message-ID is in the patient's inbox, and returns it.</summary>
    public async Task<MimeMessage> ReceiveAsync(string messageId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            using (var client = new ImapClient())
            {
                await client.ConnectAsync(imap.Host, imap.Port, imap.Security, deadline.Token);
                await client.AuthenticateAsync(address, imap.Password ?? "", deadline.Token);
                await client.Inbox.OpenAsync(FolderAccess.ReadOnly, deadline.Token);
                var uids = await client.Inbox.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId), deadline.Token);
                if (uids.Count > 0) return await client.Inbox.GetMessageAsync(uids[^1], deadline.Token);
                await client.DisconnectAsync(true, deadline.Token);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    /// <summary>Replies to <paramref name="original"/> with <paramref name="text"/> above the quoted original.</summary>
    public async Task ReplyAsync(MimeMessage original, string text, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        var reply = new MimeMessage { Date = sentAt, Subject = "Re: " + original.Subject };
        reply.From.Add(new MailboxAddress(address[..address.IndexOf('@', StringComparison.Ordinal)], address));
        reply.To.AddRange(original.ReplyTo.Count > 0 ? original.ReplyTo : original.From);
        reply.InReplyTo = original.MessageId;
        if (original.MessageId is { } originalId) reply.References.Add(originalId);
        reply.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(address[(address.IndexOf('@', StringComparison.Ordinal) + 1)..]);
        var quoted = string.Join('\n', (original.TextBody ?? "").Split('\n').Select(l => "> " + l.TrimEnd('\r')));
        var from = original.From.Mailboxes.First();
        reply.Body = new TextPart("plain")
        {
            Text = $"{text}\n\nOn {original.Date:ddd, d MMM yyyy} at {original.Date:HH:mm}, {from.Name} <{from.Address}> wrote:\n{quoted}\n",
        };
        using var client = await MailConnections.ConnectSmtpAsync(smtp, cancellationToken);
        await client.SendAsync(reply, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
