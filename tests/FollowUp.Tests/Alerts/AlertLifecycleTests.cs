using Dapper;
using FollowUp.Alerts;
using FollowUp.Tests.Support;
using FollowUp.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FollowUp.Tests.Alerts;

/// <summary>
/// Alerts end to end on the real servers: the therapist's email with its chart, ACK by reply, escalation to the lead
/// once, the crisis email to the patient, the daily digest once a day, and the CLI.
/// </summary>
public class AlertLifecycleTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The clinic's services configured with extra alert settings (the clinic lead, ...).</summary>
    private static ServiceProvider Services(Clinic clinic, string? lead = null)
    {
        var extra = new Dictionary<string, string?> { ["FollowUp:Alerts:LeadAddress"] = lead };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Clinic.Settings(clinic.ConnectionString, clinic.Domain, extra)).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(clinic.Clock);
        services.AddFollowUpCore();
        return services.BuildServiceProvider();
    }

    /// <summary>Sends the course's next check-ins at their due times and answers each with the given text (null: no answer).</summary>
    internal static async Task AnswerAsync(Clinic clinic, string patient, params string?[] answers)
    {
        var person = new SimulatedPatient(clinic.Address(patient), clinic.Imap, Clinic.Smtp);
        var mailbox = new Mailbox(person.Address);
        var due = new[] { 9, 16, 30, 44, 58, 86 };
        var processed = (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count;
        for (var i = 0; i < answers.Length; i++)
        {
            clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, due[i], 9, 31, 0, TimeSpan.Zero));
            Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
            var checkIn = (await mailbox.WaitForAsync(i + 1)).OrderBy(m => m.Date).Last();
            if (answers[i] is not { } text) continue;
            clinic.Clock.Advance(TimeSpan.FromHours(2));
            await person.ReplyAsync(checkIn, text, clinic.Clock.GetUtcNow(), default);
            await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
            Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);
            await new Mailbox(clinic.RepliesAddress).WaitForAsync(++processed, "Processed");
        }
    }

    [Fact]
    public async Task The_therapist_gets_the_alert_with_its_chart_and_an_ACK_reply_closes_it()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Dana", painAtStart: 8, painAtEnd: 3);
        await AnswerAsync(clinic, "dana", "Pain 3, mood 8", "Pain 7, mood 3");

        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        var therapist = new Mailbox(clinic.Address("therapist"));
        var alert = (await therapist.WaitForAsync(1)).Single();
        Assert.Equal("URGENT: FollowUp alert for Dana: pain back up after the massage course", alert.Subject);
        Assert.StartsWith("Pain 7 at week 2, up from 3 at course end; baseline 8; mood 3/10.", alert.TextBody, StringComparison.Ordinal);
        Assert.Contains("bgcolor=\"#c53030\"", alert.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Week 2", alert.HtmlBody, StringComparison.Ordinal);
        Assert.StartsWith("replies+a", alert.ReplyTo.Mailboxes.Single().Address, StringComparison.Ordinal);

        // A forwarded copy answered by someone else changes nothing and is kept aside for an admin.
        var stranger = new SimulatedPatient(clinic.Address("stranger"), clinic.Imap, Clinic.Smtp);
        await stranger.ReplyAsync(alert, "ACK", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        Assert.Single(await new Mailbox(clinic.RepliesAddress).MessagesAsync("Unmatched"));

        var sam = new SimulatedPatient(therapist.Address, clinic.Imap, Clinic.Smtp);
        await sam.ReplyAsync(alert, "ACK - will call her today", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var (status, by) = await db.QuerySingleAsync<(string, string)>("SELECT status, acknowledged_by FROM alerts WHERE course_id = @courseId", new { courseId });
        Assert.Equal(("acknowledged", therapist.Address), (status, by));
        var alertId = await db.ExecuteScalarAsync<long>("SELECT id FROM alerts WHERE course_id = @courseId", new { courseId });
        Assert.Equal($"alert {alertId} acknowledged by reply", await db.ExecuteScalarAsync<string>("SELECT detail FROM inbound_messages ORDER BY id DESC LIMIT 1"));
        Assert.Equal(["alert_raised", "alert_sent", "alert_acknowledged"],
            (await db.QueryAsync<string>("SELECT kind FROM audit_log WHERE subject_id IS NOT NULL AND kind LIKE 'alert%' ORDER BY id")).ToArray());
        Assert.Equal(3, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count);
    }

    [Fact]
    public async Task An_alert_nobody_acknowledges_goes_to_the_clinic_lead_once_and_shows_in_the_digest()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var lead = $"lead@{TestServers.UniqueDomain("lead")}";
        await using var services = Services(clinic, lead);
        var courseId = await clinic.EnrolAsync("Ines", painAtStart: 8, painAtEnd: 3);
        await AnswerAsync(clinic, "ines", "Pain 3", "Pain 6");
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default)); // Mon 16 Nov, ~11:30
        var escalation = services.GetRequiredService<Escalation>();

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 18, 11, 0, 0, TimeSpan.Zero)); // Wednesday: not yet 2 working days
        Assert.Equal(0, await escalation.EscalateAsync(default));
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 18, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await escalation.EscalateAsync(default));
        Assert.Equal(0, await escalation.EscalateAsync(default));

        var toLead = (await new Mailbox(lead).WaitForAsync(1)).Single();
        Assert.Equal("Not acknowledged: FollowUp alert for Ines: pain back up after the massage course", toLead.Subject);
        Assert.Contains("was not acknowledged within 2 working days", toLead.TextBody, StringComparison.Ordinal);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 19, 8, 5, 0, TimeSpan.Zero)); // 08:05 in London
        var digest = services.GetRequiredService<Digest>();
        Assert.Equal(1, await digest.SendDueAsync(default));
        Assert.Equal(0, await digest.SendDueAsync(default));
        var therapist = await new Mailbox(clinic.Address("therapist")).WaitForAsync(2);
        var daily = therapist.Single(m => m.Subject!.StartsWith("FollowUp daily digest", StringComparison.Ordinal));
        Assert.Contains("Ines: Pain 6 at week 2, up from 3 at course end; baseline 8 [escalated to the lead]", daily.TextBody, StringComparison.Ordinal);
        Assert.Contains("2 of 2 check-ins answered (100%)", daily.TextBody, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'alert_escalated' AND course_id = @courseId", new { courseId }));
    }

    [Fact]
    public async Task A_reply_that_mentions_self_harm_sends_the_patient_the_crisis_contacts_and_the_therapist_an_urgent_alert()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Jo", painAtStart: 6, painAtEnd: 4);
        await AnswerAsync(clinic, "jo", "Pain 4. Honestly I sometimes want to die.");

        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));

        var jo = await new Mailbox(clinic.Address("jo")).WaitForAsync(2);
        var crisis = jo.Single(m => m.Subject!.EndsWith("if you need help now", StringComparison.Ordinal));
        Assert.Contains("Samaritans, 116 123", crisis.TextBody, StringComparison.Ordinal);
        Assert.Contains("not watched for emergencies", crisis.TextBody, StringComparison.Ordinal);
        var alert = (await new Mailbox(clinic.Address("therapist")).WaitForAsync(1)).Single();
        Assert.Equal("URGENT: FollowUp alert for Jo: reply mentions self-harm", alert.Subject);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("sent", await db.ExecuteScalarAsync<string>("SELECT patient_notice_status FROM alerts WHERE kind = 'crisis'"));
    }

    [Fact]
    public async Task A_patient_who_stops_answering_appears_in_the_digest_once_a_day_and_is_not_emailed_alone()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await using var services = Services(clinic);
        await clinic.EnrolAsync("Kai");
        await AnswerAsync(clinic, "kai", null, null);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 7, 59, 0, TimeSpan.Zero));
        var digest = services.GetRequiredService<Digest>();
        Assert.Equal(0, await digest.SendDueAsync(default)); // before 08:00 London
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 8, 1, 0, TimeSpan.Zero));
        Assert.Equal(1, await digest.SendDueAsync(default));
        Assert.Equal(0, await digest.SendDueAsync(default));
        Assert.Equal(0, await clinic.Alerts.NotifyAsync(default));

        var daily = (await new Mailbox(clinic.Address("therapist")).WaitForAsync(1)).Single();
        Assert.Contains("Patients who stopped taking part (1):", daily.TextBody, StringComparison.Ordinal);
        Assert.Contains("Kai: No answer to the last 2 check-ins (week 1, week 2)", daily.TextBody, StringComparison.Ordinal);
        Assert.Contains("0 of 2 check-ins answered (0%)", daily.TextBody, StringComparison.Ordinal);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 8, 1, 0, TimeSpan.Zero));
        Assert.Equal(1, await digest.SendDueAsync(default));
    }

    [Fact]
    public async Task A_worse_reading_updates_the_open_alert_instead_of_raising_another()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Lou", painAtStart: 8, painAtEnd: 3);
        await AnswerAsync(clinic, "lou", "Pain 5", "Pain 5");
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        await AnswerAsync2(clinic);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var alerts = (await db.QueryAsync<(string Kind, string Severity, string Reason)>("SELECT kind, severity, reason FROM alerts WHERE course_id = @courseId", new { courseId })).ToList();
        Assert.Equal([("late_worsening", "high", "Pain 8 at week 4, up from 3 at course end; baseline 8")], alerts);
        // More severe: the therapist is told again; the same severity was not re-sent.
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        Assert.Equal(2, (await new Mailbox(clinic.Address("therapist")).WaitForAsync(2)).Count);

        static async Task AnswerAsync2(Clinic clinic)
        {
            var lou = new SimulatedPatient(clinic.Address("lou"), clinic.Imap, Clinic.Smtp);
            clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 9, 31, 0, TimeSpan.Zero));
            Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
            var checkIn = (await new Mailbox(lou.Address).WaitForAsync(3)).OrderBy(m => m.Date).Last();
            await lou.ReplyAsync(checkIn, "Pain 8", clinic.Clock.GetUtcNow(), default);
            await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
            await clinic.Inbox.ReadAsync(default);
        }
    }

    [Fact]
    public async Task The_admin_tool_lists_shows_and_acknowledges_alerts()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Max", painAtStart: 8, painAtEnd: 3);
        await AnswerAsync(clinic, "max", "Pain 3", "Pain 7");
        await using var db = await clinic.Data.OpenConnectionAsync();
        var alertId = await db.ExecuteScalarAsync<long>("SELECT id FROM alerts");
        string[] connection = ["--connection", clinic.ConnectionString];

        var list = await Tool.RunAsync("followup-admin.dll", ["alert", "list", .. connection]);
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains("late_worsening", list.Stdout, StringComparison.Ordinal);
        var show = await Tool.RunAsync("followup-admin.dll", ["alert", "show", alertId.ToString(System.Globalization.CultureInfo.InvariantCulture), .. connection]);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("Reason:    Pain 7 at week 2, up from 3 at course end; baseline 8", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("Course start", show.Stdout, StringComparison.Ordinal);
        var ack = await Tool.RunAsync("followup-admin.dll", ["alert", "ack", alertId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--by", "admin", .. connection]);
        Assert.True(ack.ExitCode == 0, ack.Stderr);
        var again = await Tool.RunAsync("followup-admin.dll", ["alert", "ack", alertId.ToString(System.Globalization.CultureInfo.InvariantCulture), .. connection]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is not open", again.Stderr, StringComparison.Ordinal);
        Assert.Equal("admin", await db.ExecuteScalarAsync<string>("SELECT acknowledged_by FROM alerts"));
    }
}
