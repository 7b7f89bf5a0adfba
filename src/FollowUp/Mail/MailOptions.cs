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
    /// <summary>
    /// None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions). To a host that is
    /// not loopback, Auto and StartTlsWhenAvailable mean TLS required (implicit on 465/993, else STARTTLS) and None is
    /// refused, unless <see cref="AllowPlainText"/> says otherwise.
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;
    /// <summary>
    /// Accept a connection without TLS to a host that is not loopback: the password and the patients' email then
    /// cross the network readable by anyone on the path. Logged as a warning at every start.
    /// </summary>
    public bool AllowPlainText { get; set; }
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

    /// <summary>localhost or a loopback address: the one place plain text never leaves the machine.</summary>
    internal bool IsLoopback =>
        string.Equals(Host.Trim(), "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(Host.Trim().Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>Whether this connection may go without TLS: only to loopback, or when the admin said so.</summary>
    internal bool PlainTextAllowed => IsLoopback || AllowPlainText;

    /// <summary>
    /// The security the connection is made with. MailKit's Auto falls back to plain text when the server offers no
    /// STARTTLS (a downgrade an attacker on the path can force by deleting it from the EHLO/CAPABILITY reply), so to a
    /// remote host "when available" becomes "required".
    /// </summary>
    internal SecureSocketOptions EffectiveSecurity => PlainTextAllowed ? Security : Security switch
    {
        SecureSocketOptions.Auto => Port is 465 or 993 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls,
        SecureSocketOptions.StartTlsWhenAvailable => SecureSocketOptions.StartTls,
        _ => Security,
    };

    /// <summary>One line for <c>config check</c>: how this connection is secured, in words.</summary>
    internal string DescribeSecurity(string section)
    {
        var how = EffectiveSecurity switch
        {
            SecureSocketOptions.SslOnConnect => "TLS from the first byte (implicit TLS)",
            SecureSocketOptions.StartTls => "TLS required (STARTTLS), no login without it",
            SecureSocketOptions.None => "PLAIN TEXT",
            _ => "TLS when the server offers it, else PLAIN TEXT",
        };
        var why = IsLoopback ? "loopback host" : AllowPlainText && EffectiveSecurity is SecureSocketOptions.None or SecureSocketOptions.StartTlsWhenAvailable or SecureSocketOptions.Auto
            ? $"remote host, allowed by {section}:AllowPlainText" : "remote host";
        return $"{section}: {Endpoint}: {how} ({why}; Security {Security})";
    }

    /// <summary>Said at every start: a setting that lets a password cross the network readable.</summary>
    internal string? PlainTextWarning(string section) =>
        !IsLoopback && AllowPlainText && EffectiveSecurity is not (SecureSocketOptions.StartTls or SecureSocketOptions.SslOnConnect)
            ? $"{section}:AllowPlainText is true: the {section} password and the patients' email may cross the network to {Endpoint} in plain text"
            : null;

    internal IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(Host)) yield return $"{section}:Host is required.";
        else if (!PlainTextAllowed && Security == SecureSocketOptions.None)
            yield return $"{section}:Security is None for {Host}, which is not loopback: the password and the patients' email would cross the network in plain text; use StartTls or SslOnConnect (or set {section}:AllowPlainText to true to accept that).";
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
    /// <summary>Secret key of the reply tokens (at least 32 characters, not guessable). From the environment or <see cref="TokenKeyFile"/>.</summary>
    public string? TokenKey { get; set; }
    /// <summary>A file holding the token key, for deployments that mount secrets as files; further lines are earlier keys.</summary>
    public string? TokenKeyFile { get; set; }
    /// <summary>Earlier token keys: they still verify the tokens of emails sent under them, and sign nothing (rotation).</summary>
    public List<string> PreviousTokenKeys { get; set; } = [];

    internal MailboxAddress From => new(Name, FromAddress);

    internal string ReplyLocalPart => ReplyAddress[..ReplyAddress.IndexOf('@', StringComparison.Ordinal)];

    internal string ReplyDomain => ReplyAddress[(ReplyAddress.IndexOf('@', StringComparison.Ordinal) + 1)..];

    internal byte[] ResolveTokenKey() => System.Text.Encoding.UTF8.GetBytes(TokenKeyText() ?? "");

    /// <summary>The earlier keys, from <see cref="PreviousTokenKeys"/> and the lines after the first of <see cref="TokenKeyFile"/>.</summary>
    internal IReadOnlyList<byte[]> ResolvePreviousTokenKeys() =>
        PreviousKeyTexts().Select(k => System.Text.Encoding.UTF8.GetBytes(k)).ToList();

    private string? TokenKeyText() =>
        !string.IsNullOrWhiteSpace(TokenKey) ? TokenKey : FileKeys().FirstOrDefault() ?? TokenKey;

    private IEnumerable<string> PreviousKeyTexts() =>
        PreviousTokenKeys.Where(k => !string.IsNullOrEmpty(k))
            .Concat(string.IsNullOrWhiteSpace(TokenKey) ? FileKeys().Skip(1) : FileKeys());

    private IEnumerable<string> FileKeys() =>
        !string.IsNullOrWhiteSpace(TokenKeyFile) && File.Exists(TokenKeyFile)
            ? File.ReadAllLines(TokenKeyFile).Select(l => l.Trim()).Where(l => l.Length > 0)
            : [];

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
        else if (TokenKeyStrength.Weakness(TokenKeyText()) is { } weakness)
            yield return $"{s}:TokenKey {weakness} (set FollowUp__Clinic__TokenKey or {s}:TokenKeyFile; e.g. openssl rand -hex 32).";
        var n = 0;
        foreach (var previous in PreviousKeyTexts())
        {
            n++;
            if (TokenKeyStrength.Weakness(previous) is { } weakness)
                yield return $"{s}:PreviousTokenKeys, earlier key {n}: {weakness}.";
        }
    }

    public static bool IsAddress(string? value) =>
        !string.IsNullOrWhiteSpace(value) && MailboxAddress.TryParse(value, out var parsed)
        && parsed.Address.Contains('@', StringComparison.Ordinal) && parsed.Address == value.Trim();
}
