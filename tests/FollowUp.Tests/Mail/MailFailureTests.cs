using System.Net.Sockets;
using System.Text.RegularExpressions;
using FollowUp.Mail;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FollowUp.Tests.Mail;

/// <summary>The one mail-failure taxonomy: MailKit's exceptions and the servers' status codes in, a category out. Pure.</summary>
public sealed class MailFailureTests
{
    private static readonly MailboxAddress Patient = MailboxAddress.Parse("patient@example.org");

    [Fact]
    public void A_recipient_refused_with_a_5yz_code_is_refused_permanently_and_keeps_the_code_in_its_reason()
    {
        var failure = MailFailure.Of(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, Patient, "5.1.1 no such user"));
        Assert.NotNull(failure);
        Assert.Equal(MailFailureKind.RecipientRefusedPermanently, failure.Kind);
        Assert.True(failure.Permanent);
        Assert.False(failure.ServerUnavailable);
        Assert.Equal(550, failure.StatusCode);
        Assert.Equal("refused by the SMTP server: 550 5.1.1 no such user", failure.Reason);
    }

    [Fact]
    public void A_recipient_refused_with_a_4yz_code_is_refused_for_now()
    {
        var failure = MailFailure.Of(new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxBusy, Patient, "greylisted"));
        Assert.Equal(MailFailureKind.RecipientRefusedForNow, failure?.Kind);
        Assert.False(failure!.Permanent);
        Assert.Equal("temporarily refused: 450 greylisted", failure.Reason);
    }

    [Theory]
    [InlineData(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.TransactionFailed, "MessageRefused")]
    [InlineData(SmtpErrorCode.SenderNotAccepted, SmtpStatusCode.MailboxNameNotAllowed, "MessageRefused")]
    [InlineData(SmtpErrorCode.UnexpectedStatusCode, SmtpStatusCode.CommandNotImplemented, "MessageRefused")]
    [InlineData(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.ExceededStorageAllocation, "MessageRefused")]
    [InlineData(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.InsufficientStorage, "MessageRefusedForNow")]
    [InlineData(SmtpErrorCode.SenderNotAccepted, SmtpStatusCode.ErrorInProcessing, "MessageRefusedForNow")]
    public void A_refusal_not_about_the_recipient_is_the_messages_permanent_for_5yz_and_for_now_for_4yz(SmtpErrorCode error, SmtpStatusCode status, string expected)
    {
        var failure = MailFailure.Of(new SmtpCommandException(error, status, "refused"));
        Assert.Equal(expected, failure?.Kind.ToString());
        Assert.Equal((int)status >= 500, failure!.Permanent);
        Assert.False(failure.ServerUnavailable);
    }

    [Fact]
    public void A_refused_login_and_a_refused_tls_handshake_are_both_login_refused_and_make_the_server_unavailable()
    {
        foreach (var error in new Exception[] { new AuthenticationException("535 5.7.8 bad credentials"), new SslHandshakeException("certificate not trusted") })
        {
            var failure = MailFailure.Of(error);
            Assert.Equal(MailFailureKind.LoginRefused, failure?.Kind);
            Assert.True(failure!.ServerUnavailable);
            Assert.False(failure.Permanent);
            Assert.StartsWith(error.GetType().Name + ": ", failure.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_dropped_refused_or_silent_connection_is_connection_lost()
    {
        var errors = new Exception[]
        {
            new IOException("reset by peer"), new SocketException((int)SocketError.ConnectionRefused),
            new ServiceNotConnectedException("not connected"), new TimeoutException("no answer"),
        };
        Assert.All(errors, e => Assert.Equal(MailFailureKind.ConnectionLost, MailFailure.Of(e)?.Kind));
        Assert.All(errors, e => Assert.True(MailFailure.IsServerUnavailable(e)));
    }

    [Fact]
    public void A_garbled_smtp_or_imap_answer_is_a_protocol_error_and_makes_the_server_unavailable()
    {
        foreach (var error in new Exception[] { new SmtpProtocolException("syntax"), new ImapProtocolException("unexpected token") })
        {
            Assert.Equal(MailFailureKind.ProtocolError, MailFailure.Of(error)?.Kind);
            Assert.True(MailFailure.IsServerUnavailable(error));
        }
    }

    [Fact]
    public void What_is_not_a_mail_servers_failure_is_not_classified()
    {
        // A reply parser's regex time limit is about the text, not the server.
        var errors = new Exception[]
        {
            new RegexMatchTimeoutException("pain", "x", TimeSpan.FromSeconds(1)), new OperationCanceledException(),
            new InvalidOperationException("bug"), new FormatException("bad header"),
        };
        Assert.All(errors, e => Assert.Null(MailFailure.Of(e)));
        Assert.All(errors, e => Assert.False(MailFailure.IsServerUnavailable(e)));
    }
}
