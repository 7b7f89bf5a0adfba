using MailKit.Net.Imap;
using MimeKit;
using Npgsql;

namespace FollowUp.Replies;

/// <summary>
/// The inbox's reading of the exceptions it meets, in one place: what a message caused (recorded as rejected, the
/// mailbox goes on) against what the servers or the network did (reconnect, or fail the read). When the mail
/// failure taxonomy of Mail/ exists, these are the calls that point at it.
/// </summary>
internal static class InboxFailures
{
    /// <summary>
    /// Whether an exception comes from what a message holds rather than from a server or the network: parse and
    /// encoding errors, and PostgreSQL refusing a value (class 22 data exception, 23514 check violation, 54 program
    /// limit such as an index row too large). A lost connection or an outage (08, 57, 53, I/O) is not.
    /// </summary>
    public static bool IsCausedByContent(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("22", StringComparison.Ordinal) || p.SqlState == "23514" || p.SqlState.StartsWith("54", StringComparison.Ordinal),
        FormatException or ParseException or System.Text.DecoderFallbackException or System.Text.EncoderFallbackException or OverflowException => true,
        _ => false,
    };

    /// <summary>The IMAP connection dropped (protocol or I/O error): reconnect; the per-message records make the re-read safe.</summary>
    public static bool IsConnectionLost(Exception e) => e is ImapProtocolException or IOException;

    /// <summary>The IMAP server said NO to a MOVE: some of the messages no longer exist (moved meanwhile by hand).</summary>
    public static bool IsGoneFromMailbox(Exception e) => e is ImapCommandException { Response: ImapCommandResponse.No };

    /// <summary>The message, or even its header block, does not parse (e.g. a header line starting with a colon).</summary>
    public static bool IsUnparseable(Exception e) => e is FormatException or ParseException;
}
