using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using FollowUp.Mail;
using FollowUp.Tests.Support;
using MailKit.Security;

namespace FollowUp.Tests.Mail;

/// <summary>
/// A mail server that is not on loopback and offers no STARTTLS (an old relay, or an attacker on the path who deletes
/// STARTTLS from the EHLO reply): FollowUp must not send it a password or a patient's email in plain text.
/// </summary>
public class TlsPolicyTests
{
    [Fact]
    public async Task The_worker_does_not_log_in_in_plain_text_to_a_remote_server_that_offers_no_starttls()
    {
        var address = NonLoopbackAddress();
        await using var server = new PlainSmtpServer(address);
        var options = new SmtpOptions { Host = address.ToString(), Port = server.Port, Username = "clinic", Password = "Secret-Pw-4711" };

        var refused = await Assert.ThrowsAsync<AuthenticationException>(() => MailConnections.ConnectSmtpAsync(options, default));

        Assert.Contains("offers no STARTTLS", refused.Message, StringComparison.Ordinal);
        var said = server.Received();
        Assert.Contains(said, l => l.StartsWith("EHLO", StringComparison.Ordinal));
        Assert.DoesNotContain(said, l => l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.ASCII.GetBytes("\0clinic\0Secret-Pw-4711")), string.Join('\n', said), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_security_to_a_remote_host_requires_tls_and_to_loopback_stays_as_set()
    {
        Assert.Equal(SecureSocketOptions.StartTls, new SmtpOptions { Host = "smtp.clinic.example", Port = 587 }.EffectiveSecurity);
        Assert.Equal(SecureSocketOptions.SslOnConnect, new ImapOptions { Host = "imap.clinic.example", Port = 993 }.EffectiveSecurity);
        Assert.Equal(SecureSocketOptions.StartTls, new ImapOptions { Host = "10.0.0.5", Port = 143, Security = SecureSocketOptions.StartTlsWhenAvailable }.EffectiveSecurity);
        Assert.Equal(SecureSocketOptions.None, new SmtpOptions { Host = "127.0.0.1", Port = 25, Security = SecureSocketOptions.None }.EffectiveSecurity);
    }

    [Fact]
    public async Task Config_check_reports_each_connections_security_and_fails_on_plain_text_to_a_remote_host()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var settings = Tool.AsEnvironment(Clinic.Settings(connectionString, TestServers.UniqueDomain("tls")));
        var local = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);
        settings["FollowUp__Smtp__Host"] = "smtp.clinic.example";
        settings["FollowUp__Smtp__Port"] = "25";
        settings["FollowUp__Imap__Host"] = "imap.clinic.example";
        settings["FollowUp__Imap__Port"] = "143";
        var remote = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);
        settings["FollowUp__Smtp__AllowPlainText"] = "true";
        settings["FollowUp__Imap__Security"] = "Auto";
        var allowed = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);

        Assert.Equal(0, local.ExitCode);
        Assert.Contains("FollowUp:Smtp: 127.0.0.1:", local.Stdout, StringComparison.Ordinal);
        Assert.Contains("PLAIN TEXT (loopback host; Security None)", local.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, remote.ExitCode);
        Assert.Contains("FollowUp:Smtp:Security is None for smtp.clinic.example, which is not loopback", remote.Stdout, StringComparison.Ordinal);
        Assert.Contains("FollowUp:Imap:Security is None for imap.clinic.example, which is not loopback", remote.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains("FollowUp:Imap: imap.clinic.example:143: TLS required (STARTTLS), no login without it (remote host; Security Auto)", allowed.Stdout, StringComparison.Ordinal);
        Assert.Contains("WARNING: FollowUp:Smtp:AllowPlainText is true", allowed.Stdout, StringComparison.Ordinal);
    }

    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this machine has no non-loopback IPv4 address to play a remote mail server on");

    /// <summary>An SMTP server that offers AUTH and no STARTTLS, and remembers every line it was sent.</summary>
    private sealed class PlainSmtpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly List<string> _lines = [];
        private readonly Task _serving;

        public PlainSmtpServer(IPAddress address)
        {
            _listener = new TcpListener(address, 0);
            _listener.Start();
            _serving = ServeAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public List<string> Received() { lock (_lines) return _lines.ToList(); }

        private async Task ServeAsync()
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync();
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 relay.example ESMTP");
                while (await reader.ReadLineAsync() is { } line)
                {
                    lock (_lines) _lines.Add(line);
                    if (line.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase)) await writer.WriteAsync("250-relay.example\r\n250 AUTH PLAIN LOGIN\r\n");
                    else if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase)) { await writer.WriteLineAsync("221 bye"); break; }
                    else if (line.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase)) await writer.WriteLineAsync("235 ok");
                    else await writer.WriteLineAsync("250 ok");
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The client hung up: what it said is in _lines.
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _serving;
        }
    }
}
