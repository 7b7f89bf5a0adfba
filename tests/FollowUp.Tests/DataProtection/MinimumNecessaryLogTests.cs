using Dapper;
using FollowUp.Alerts;
using FollowUp.Courses;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FollowUp.Tests.DataProtection;

/// <summary>
/// Minimum necessary: the worker's log at Information and above (exceptions included) says which ids did what, never a
/// patient's name, address or words, through a whole follow-up with self-harm, an alert, a clarification, reminders,
/// an escalation, a digest and a STOP.
/// </summary>
public class MinimumNecessaryLogTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_whole_follow_up_leaves_no_patient_name_address_or_reply_text_in_the_log()
    {
        var logs = new FakeLogCollector();
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?>
        {
            ["FollowUp:Alerts:LeadAddress"] = "lead@lead-clinic.test",
            ["FollowUp:Alerts:EscalateAfterWorkingDays"] = "1",
        }, configure: s => s.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Information)));
        await EnrolAsync(clinic, "Dana Whitfield", "dana.whitfield");
        await EnrolAsync(clinic, "Olu Mensah", "olu.mensah");
        await EnrolAsync(clinic, "Noor Haddad", "noor.haddad");
        // Ravi does not answer: he is reminded.
        await EnrolAsync(clinic, "Ravi Patel", "ravi.patel");
        var sweep = clinic.Services;

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(4, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await ReplyAsync(clinic, "dana.whitfield", "Pain 7, mood low. Honestly I have been thinking about ending my life since the fall on Elm Street.");
        await ReplyAsync(clinic, "olu.mensah", "the bakery shifts were long, hard to say really");
        await ReplyAsync(clinic, "noor.haddad", "STOP");
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(3);
        await clinic.Inbox.ReadAsync(default);
        await clinic.Alerts.NotifyAsync(default);
        await clinic.Dispatch.SendDueAsync(default);
        // Days later: reminders, the escalation of the unacknowledged alert, the daily digest.
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 13, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        await sweep.GetRequiredService<Escalation>().EscalateAsync(default);
        await sweep.GetRequiredService<Digest>().SendDueAsync(default);
        await clinic.Alerts.NotifyAsync(default);

        // The flow did what the log is read for: each kind of email went out.
        await using (var db = await clinic.Data.OpenConnectionAsync())
        {
            Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE notify_status = 'sent' AND escalated_at IS NOT NULL AND patient_notice_status = 'sent'"));
            Assert.Equal(["clarification", "reminder", "stop_confirmation"],
                await db.QueryAsync<string>("SELECT DISTINCT kind FROM reminders WHERE status = 'sent' ORDER BY kind"));
        }
        var lines = logs.GetSnapshot().Where(r => r.Level >= LogLevel.Information)
            .Select(r => $"{r.Level} {r.Category}: {r.Message} {r.Exception}").ToList();
        Assert.NotEmpty(lines);
        string[] forbidden = ["Dana", "Whitfield", "Olu", "Mensah", "Noor", "Haddad", "Ravi", "Patel", "dana.whitfield", "olu.mensah", "noor.haddad", "ravi.patel",
            "ending my life", "Elm Street", "bakery", "hard to say"];
        foreach (var line in lines)
            foreach (var word in forbidden)
                Assert.False(line.Contains(word, StringComparison.OrdinalIgnoreCase), $"the log holds '{word}': {line}");
    }

    private static Task<long> EnrolAsync(Clinic clinic, string name, string local) =>
        clinic.Enrolment.EnrolAsync(new Enrolment
        {
            PatientName = name,
            PatientEmail = clinic.Address(local),
            TimeZone = "Europe/London",
            TherapistEmail = clinic.Address("therapist"),
            TherapistName = "Sam Taylor",
            StartedOn = new DateOnly(2026, 9, 28),
            EndedOn = new DateOnly(2026, 11, 2),
            PainAtStart = 8,
            PainAtEnd = 3,
        }, default);

    /// <summary>The patient answers their check-in from their mail client.</summary>
    private static async Task ReplyAsync(Clinic clinic, string local, string text)
    {
        var checkIn = (await new Mailbox(clinic.Address(local)).WaitForAsync(1))[0];
        await Clinic.SendAsync(Clinic.ReplyTo(checkIn, clinic.Address(local), "Re: " + checkIn.Subject, text));
    }
}
