using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;

namespace FollowUp.Mail;

/// <summary>Connects and authenticates MailKit clients the same way for every feature.</summary>
internal static class MailConnections
{
    public static async Task<SmtpClient> ConnectSmtpAsync(SmtpOptions options, CancellationToken cancellationToken)
    {
        var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        await ConnectAsync(client, options, cancellationToken);
        return client;
    }

    public static async Task<ImapClient> ConnectImapAsync(ImapOptions options, CancellationToken cancellationToken)
    {
        var client = new ImapClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        await ConnectAsync(client, options, cancellationToken);
        return client;
    }

    private static async Task ConnectAsync(MailService client, MailServerOptions options, CancellationToken cancellationToken)
    {
        try
        {
            if (!string.IsNullOrWhiteSpace(options.CertificateThumbprint))
            {
                // Pinning a self-signed certificate: trust exactly this one, nothing else (MailKit FAQ).
                var pinned = options.CertificateThumbprint.Replace(":", "", StringComparison.Ordinal);
                client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(), pinned, StringComparison.OrdinalIgnoreCase);
            }
            await client.ConnectAsync(options.Host, options.Port, options.Security, cancellationToken);
            if (!string.IsNullOrEmpty(options.Username))
                await client.AuthenticateAsync(options.Username, options.ResolvePassword(), cancellationToken);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Polite disconnect (QUIT / LOGOUT) that never hides the original error of a broken connection.</summary>
    public static async Task CloseAsync(MailService client)
    {
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(quit: true, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ProtocolException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is going away either way.
        }
        finally
        {
            client.Dispose();
        }
    }
}
