using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace FollowUp.Mail;

/// <summary>What went wrong talking to a mail server, in the terms a sender or reader can act on.</summary>
internal enum MailFailureKind
{
    /// <summary>The server refused the connection, dropped it, or stopped answering: reconnect later.</summary>
    ConnectionLost,
    /// <summary>The server refused our login or our TLS handshake: only the operator can fix it.</summary>
    LoginRefused,
    /// <summary>The recipient's address was refused for good (5yz to RCPT TO): stop writing to it.</summary>
    RecipientRefusedPermanently,
    /// <summary>The recipient's address was refused for now (4yz to RCPT TO): try again later.</summary>
    RecipientRefusedForNow,
    /// <summary>The sender or the message was refused for good (5yz to MAIL FROM or DATA): sending it again will not help.</summary>
    MessageRefused,
    /// <summary>The sender or the message was refused for now (4yz to MAIL FROM or DATA): try again later.</summary>
    MessageRefusedForNow,
    /// <summary>The server said something MailKit could not parse; MailKit drops the connection after it: reconnect.</summary>
    ProtocolError,
}

/// <summary>
/// The one classification of mail-server failures, used by every feature that sends or reads mail and by
/// <see cref="Operations.Outages"/>. A refusal's split into permanent and for-now is RFC 5321 §4.2.1: 5yz is a
/// permanent negative reply, 4yz a transient one.
/// </summary>
internal sealed record MailFailure(MailFailureKind Kind, int? StatusCode, string Reason)
{
    /// <summary>The server cannot be used right now (down, refusing us, or talking nonsense); the message is not to blame.</summary>
    public bool ServerUnavailable => Kind is MailFailureKind.ConnectionLost or MailFailureKind.LoginRefused or MailFailureKind.ProtocolError;

    /// <summary>Refused for good: sending this message again will not help.</summary>
    public bool Permanent => Kind is MailFailureKind.RecipientRefusedPermanently or MailFailureKind.MessageRefused;

    /// <summary>The failure, or null when <paramref name="error"/> is not a mail server's (a bug, a cancellation, the database).</summary>
    public static MailFailure? Of(Exception error) => error switch
    {
        AuthenticationException or SslHandshakeException => new(MailFailureKind.LoginRefused, null, Describe(error)),
        SmtpCommandException e => Refusal(e),
        ProtocolException => new(MailFailureKind.ProtocolError, null, Describe(error)),
        System.Net.Sockets.SocketException or IOException or ServiceNotConnectedException => new(MailFailureKind.ConnectionLost, null, Describe(error)),
        // A regular expression's time limit is a TimeoutException too, but about the text, not the server: the first
        // IMAP fault run, on a loaded machine, logged a reply parser's regex timeout as an outage.
        TimeoutException and not System.Text.RegularExpressions.RegexMatchTimeoutException => new(MailFailureKind.ConnectionLost, null, Describe(error)),
        _ => null,
    };

    /// <summary>True when <paramref name="error"/> means the server cannot be used right now (see <see cref="ServerUnavailable"/>).</summary>
    public static bool IsServerUnavailable(Exception error) => Of(error)?.ServerUnavailable == true;

    private static MailFailure Refusal(SmtpCommandException e)
    {
        var code = (int)e.StatusCode;
        var permanent = code >= 500;
        var kind = e.ErrorCode == SmtpErrorCode.RecipientNotAccepted
            ? permanent ? MailFailureKind.RecipientRefusedPermanently : MailFailureKind.RecipientRefusedForNow
            : permanent ? MailFailureKind.MessageRefused : MailFailureKind.MessageRefusedForNow;
        return new(kind, code, permanent ? $"refused by the SMTP server: {code} {e.Message}" : $"temporarily refused: {code} {e.Message}");
    }

    private static string Describe(Exception error) => $"{error.GetType().Name}: {error.Message}";
}
