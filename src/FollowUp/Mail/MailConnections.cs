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
            try
            {
                await client.ConnectAsync(options.Host, options.Port, options.EffectiveSecurity, cancellationToken);
            }
            catch (NotSupportedException e) when (options.EffectiveSecurity == MailKit.Security.SecureSocketOptions.StartTls)
            {
                // MailKit's word for "STARTTLS required, not offered": a setting to fix (the outage path says so).
                throw new MailKit.Security.AuthenticationException(
                    $"{options.Endpoint} offers no STARTTLS; FollowUp does not log in or send in plain text to a host that is not loopback", e);
            }
            // The last line of defence: whatever the settings said, no password goes to a remote host unencrypted
            // unless the admin allowed exactly that (a refused login: the outage path names Security).
            if (!client.IsSecure && !options.PlainTextAllowed)
                throw new MailKit.Security.AuthenticationException(
                    $"{options.Endpoint} offered no TLS; FollowUp does not log in or send in plain text to a host that is not loopback");
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
