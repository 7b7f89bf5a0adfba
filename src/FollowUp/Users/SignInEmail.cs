using System.Globalization;
using System.Net;
using FollowUp.Mail;
using MimeKit;

namespace FollowUp.Users;

/// <summary>The email with a sign-in link. Pure.</summary>
internal static class SignInEmail
{
    public static MimeMessage Build(User user, string link, TimeSpan lifetime, ClinicOptions clinic, DateTimeOffset now)
    {
        var message = new MimeMessage { Date = now, Subject = $"Sign in to {clinic.Name} FollowUp" };
        message.From.Add(clinic.From);
        message.To.Add(new MailboxAddress(user.Name ?? "", user.Email));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        var minutes = ((int)lifetime.TotalMinutes).ToString(CultureInfo.InvariantCulture);
        var text = $"""
            To sign in to FollowUp, open this link in the same browser where you asked for it, within {minutes} minutes:

            {link}

            The link works once. If you did not ask to sign in, ignore this email: nothing happens without the link.
            """;
        var html = $"""
            <p>To sign in to FollowUp, open this link in the same browser where you asked for it, within {minutes} minutes:</p>
            <p><a href="{WebUtility.HtmlEncode(link)}">Sign in to FollowUp</a></p>
            <p>The link works once. If you did not ask to sign in, ignore this email: nothing happens without the link.</p>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
