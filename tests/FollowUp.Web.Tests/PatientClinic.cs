using System.Text.RegularExpressions;
using Dapper;
using FollowUp.Tests.Support;
using FollowUp.Users;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FollowUp.Tests.Web;

/// <summary>
/// A clinic whose check-in emails link its web face: two patients (Dana, Amy's; Bartholomew, Ben's), their check-ins
/// sent through the real SMTP server into their real mailboxes, and the web face at the address the emails name.
/// </summary>
internal sealed partial class PatientClinic : IAsyncDisposable
{
    public required Clinic Clinic { get; init; }
    public required WebFaceHost Web { get; init; }
    public long DanaCourse { get; init; }
    public long BartCourse { get; init; }
    public string Dana => Clinic.Address("dana");
    public string Bart => Clinic.Address("bartholomew");
    public string Amy => Clinic.Address("amy");

    public static async Task<PatientClinic> OpenAsync(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>()) { ["FollowUp:Web:PublicUrl"] = WebFaceHost.FreeUrl() };
        var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero), settings);
        var dana = await clinic.EnrolAsync("Dana", painAtStart: 8, painAtEnd: 3, therapist: "amy");
        var bart = await clinic.EnrolAsync("Bartholomew", painAtStart: 6, painAtEnd: 2, therapist: "ben");
        var users = clinic.Services.GetRequiredService<UserDirectory>();
        await users.AddAsync(clinic.Address("amy"), Roles.Therapist, "Amy", "test", default);
        await users.AddAsync(clinic.Address("ben"), Roles.Therapist, "Ben", "test", default);
        var web = await WebFaceHost.StartAsync(clinic, settings);
        return new PatientClinic { Clinic = clinic, Web = web, DanaCourse = dana, BartCourse = bart };
    }

    /// <summary>The check-ins due on this day of November 2026 go out (9:31 in London: inside the send window).</summary>
    public async Task SendOnAsync(int day)
    {
        Clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, day, 9, 31, 0, TimeSpan.Zero));
        await Clinic.Dispatch.SendDueAsync(default);
    }

    /// <summary>The newest of the first <paramref name="count"/> emails in the patient's real mailbox.</summary>
    public static async Task<MimeMessage> NewestEmailAsync(string address, int count = 1) =>
        (await new Mailbox(address).WaitForAsync(count)).OrderBy(m => m.Date).ThenBy(m => m.MessageId, StringComparer.Ordinal).Last();

    /// <summary>The "answer on the web" link as the patient sees it in the email's text.</summary>
    public static string AnswerLink(MimeMessage email) => AnswerUrl().Match(email.TextBody ?? "") is { Success: true } m ? m.Value
        : throw new Xunit.Sdk.XunitException("the email has no answer link:\n" + email.TextBody);

    /// <summary>The https (here: loopback http) link of the List-Unsubscribe header, as a mail program reads it (RFC 2369).</summary>
    public static string UnsubscribeLink(MimeMessage email) => HeaderUrl().Match(email.Headers["List-Unsubscribe"] ?? "") is { Success: true } m ? m.Groups[1].Value
        : throw new Xunit.Sdk.XunitException("List-Unsubscribe has no web link: " + email.Headers["List-Unsubscribe"]);

    /// <summary>The link's path and query, for a client whose base address is the web face.</summary>
    public static string PathOf(string link) => new Uri(link).PathAndQuery;

    /// <summary>Everything a patient page could write: any change to these is a record.</summary>
    public async Task<(int Inbound, int Replies, int Audit, int OptedOut, int Queued)> RecordsAsync()
    {
        await using var connection = await Clinic.Data.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(int, int, int, int, int)>("""
            SELECT (SELECT count(*)::int FROM inbound_messages), (SELECT count(*)::int FROM replies), (SELECT count(*)::int FROM audit_log),
                   (SELECT count(*)::int FROM patients WHERE opted_out_at IS NOT NULL), (SELECT count(*)::int FROM reminders WHERE kind <> 'reminder')
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await Web.DisposeAsync();
        await Clinic.DisposeAsync();
    }

    [GeneratedRegex(@"https?://\S+/answer\?token=[a-z0-9-]+")]
    private static partial Regex AnswerUrl();

    [GeneratedRegex(@"<(https?://[^>]+/unsubscribe\?token=[a-z0-9-]+)>")]
    private static partial Regex HeaderUrl();
}
