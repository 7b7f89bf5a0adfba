using MailKit.Security;
using MimeKit;

namespace FollowUp.Mail;

/// <summary>How to reach a mail server; shared by <see cref="SmtpOptions"/> and <see cref="ImapOptions"/>.</summary>
internal abstract class MailServerOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; }
    /// <summary>"host:port", as logs name the server: never a user or password.</summary>
    internal string Endpoint => $"{Host}:{Port}";
    /// <summary>None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;
    public string? Username { get; set; }
    /// <summary>A secret: give it through the environment (FollowUp__Smtp__Password), never in appsettings.json.</summary>
    public string? Password { get; set; }
    /// <summary>A file holding the password instead (systemd credentials, Docker/Kubernetes secrets mounted as files).</summary>
    public string? PasswordFile { get; set; }
    /// <summary>SHA-1 thumbprint of a self-signed server certificate to trust (pinning); normal validation otherwise.</summary>
    public string? CertificateThumbprint { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The password from the setting, or else from <see cref="PasswordFile"/> (read at each connection, so a rotated file needs no restart).</summary>
    internal string ResolvePassword() =>
        !string.IsNullOrEmpty(Password) ? Password
        : !string.IsNullOrWhiteSpace(PasswordFile) && File.Exists(PasswordFile) ? File.ReadAllText(PasswordFile).Trim()
        : "";

    internal IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(Host)) yield return $"{section}:Host is required.";
        if (Port is < 1 or > 65535) yield return $"{section}:Port must be between 1 and 65535 (was {Port}).";
        if (!string.IsNullOrWhiteSpace(PasswordFile) && !File.Exists(PasswordFile))
            yield return $"{section}:PasswordFile does not exist: {PasswordFile}";
        else if (!string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(ResolvePassword()))
            yield return $"{section}:Password is required when {section}:Username is set (give it as an environment variable or {section}:PasswordFile).";
        if (Timeout <= TimeSpan.Zero) yield return $"{section}:Timeout must be positive.";
    }
}

/// <summary>The SMTP server FollowUp sends through (section <c>FollowUp:Smtp</c>).</summary>
internal sealed class SmtpOptions : MailServerOptions
{
    public const string Section = "FollowUp:Smtp";
}

/// <summary>The IMAP mailbox the patients' replies arrive in (section <c>FollowUp:Imap</c>).</summary>
internal sealed class ImapOptions : MailServerOptions
{
    public const string Section = "FollowUp:Imap";

    internal new IEnumerable<string> Validate(string section)
    {
        foreach (var problem in base.Validate(section)) yield return problem;
        if (string.IsNullOrWhiteSpace(Username)) yield return $"{section}:Username is required (the replies mailbox login).";
    }
}

/// <summary>Who the clinic is in its emails (section <c>FollowUp:Clinic</c>).</summary>
public sealed class ClinicOptions
{
    public const string Section = "FollowUp:Clinic";

    public string Name { get; set; } = "";
    /// <summary>The From address of check-ins and alerts.</summary>
    public string FromAddress { get; set; } = "";
    /// <summary>The replies mailbox; each check-in asks for replies to <c>local+TOKEN@domain</c> of this address.</summary>
    public string ReplyAddress { get; set; } = "";
    /// <summary>Secret key of the reply tokens (at least 32 characters). From the environment or <see cref="TokenKeyFile"/>.</summary>
    public string? TokenKey { get; set; }
    /// <summary>A file holding the token key, for deployments that mount secrets as files.</summary>
    public string? TokenKeyFile { get; set; }

    internal MailboxAddress From => new(Name, FromAddress);

    internal string ReplyLocalPart => ReplyAddress[..ReplyAddress.IndexOf('@', StringComparison.Ordinal)];

    internal string ReplyDomain => ReplyAddress[(ReplyAddress.IndexOf('@', StringComparison.Ordinal) + 1)..];

    internal byte[] ResolveTokenKey()
    {
        var key = TokenKey;
        if (string.IsNullOrWhiteSpace(key) && !string.IsNullOrWhiteSpace(TokenKeyFile) && File.Exists(TokenKeyFile))
            key = File.ReadAllText(TokenKeyFile).Trim();
        return System.Text.Encoding.UTF8.GetBytes(key ?? "");
    }

    internal IEnumerable<string> Validate()
    {
        const string s = Section;
        if (string.IsNullOrWhiteSpace(Name)) yield return $"{s}:Name is required (shown as the sender of every email).";
        if (!IsAddress(FromAddress)) yield return $"{s}:FromAddress must be an email address (was '{FromAddress}').";
        if (!IsAddress(ReplyAddress)) yield return $"{s}:ReplyAddress must be an email address (was '{ReplyAddress}').";
        else if (ReplyLocalPart.Contains('+', StringComparison.Ordinal))
            yield return $"{s}:ReplyAddress must not contain '+': FollowUp adds '+TOKEN' to it for each check-in.";
        if (!string.IsNullOrWhiteSpace(TokenKeyFile) && !File.Exists(TokenKeyFile))
            yield return $"{s}:TokenKeyFile does not exist: {TokenKeyFile}";
        else if (ResolveTokenKey().Length < 32)
            yield return $"{s}:TokenKey must be at least 32 characters (set FollowUp__Clinic__TokenKey or {s}:TokenKeyFile; e.g. openssl rand -hex 32).";
    }

    public static bool IsAddress(string? value) =>
        !string.IsNullOrWhiteSpace(value) && MailboxAddress.TryParse(value, out var parsed)
        && parsed.Address.Contains('@', StringComparison.Ordinal) && parsed.Address == value.Trim();
}
