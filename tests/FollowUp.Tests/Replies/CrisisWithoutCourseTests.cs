using Dapper;
using FollowUp.Alerts;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FollowUp.Tests.Replies;

/// <summary>
/// No unread crisis: self-harm wording in a message that names no course (no token, no thread, a sender who is no
/// patient or is not shown to be one) reaches the clinic lead at once, on the real servers, and nothing goes to the
/// sender.
/// </summary>
public class CrisisWithoutCourseTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Self_harm_wording_from_a_sender_tied_to_no_course_alerts_the_clinic_lead_at_once_and_shows_in_status()
    {
        await using var clinic = await SenderTrustTests.OpenProvingAsync();
        await SenderTrustTests.CheckInToAsync(clinic, "Kai");
        var lead = clinic.Address("lead");
        clinic.Services.GetRequiredService<IOptions<AlertOptions>>().Value.LeadAddress = lead;

        // A forged From: of Kai, no token and no thread, no result from the clinic's server; with an escape sequence.
        await SenderTrustTests.SendAsync(clinic, clinic.Address("kai"), clinic.RepliesAddress, "I cannot go on, I want to end my life.\u001b[2J", []);
        var inbound = await SenderTrustTests.ReadOneAsync(clinic);

        Assert.Equal("unmatched", inbound.Outcome);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var alert = await db.QuerySingleAsync<(long Id, long? CourseId, long? InboundMessageId, string Kind, string Reason, string? PatientNotice)>(
            "SELECT id, course_id, inbound_message_id, kind, reason, patient_notice_status FROM alerts");
        var inboundId = await db.ExecuteScalarAsync<long>("SELECT id FROM inbound_messages ORDER BY id DESC LIMIT 1");
        Assert.Null(alert.CourseId);
        Assert.Equal(inboundId, alert.InboundMessageId);
        Assert.Equal("crisis", alert.Kind);
        Assert.Contains("I want to end my life", alert.Reason, StringComparison.Ordinal);
        Assert.Contains("sender unverifiable", alert.Reason, StringComparison.Ordinal);
        Assert.Null(alert.PatientNotice);

        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        var email = (await new Mailbox(lead).WaitForAsync(1)).Single();
        Assert.StartsWith("URGENT: ", email.Subject, StringComparison.Ordinal);
        Assert.Contains("I want to end my life", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("unverifiable: the clinic's mail server gave no result", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("\\u001B[2J", email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", email.TextBody, StringComparison.Ordinal);
        Assert.Equal("sent", await db.ExecuteScalarAsync<string>("SELECT notify_status FROM alerts"));
        // Kai's mailbox holds the check-in only: nothing goes to an address not shown to have written this.
        Assert.Single(await new Mailbox(clinic.Address("kai")).MessagesAsync("INBOX"));
        // The alert sweep leaves it alone: it went to the lead in the first place.
        clinic.Clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(0, await clinic.Services.GetRequiredService<Escalation>().EscalateAsync(default));

        var settings = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));
        var status = await Tool.RunAsync("followup-admin.dll", ["status"], settings);
        var list = await Tool.RunAsync("followup-admin.dll", ["alert", "list"], settings);
        var show = await Tool.RunAsync("followup-admin.dll", ["alert", "show", alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], settings);
        Assert.Contains("CRISIS: 1 open crisis alert(s) tied to no course", status.Stdout, StringComparison.Ordinal);
        Assert.Matches(@$"\s{alert.Id}\s+none\s+crisis\s+high\s+open", list.Stdout);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("Sender:    unverifiable", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("I want to end my life.\\u001B[2J", show.Stdout, StringComparison.Ordinal);

        // The lead acknowledges it like any other alert.
        var ack = await Tool.RunAsync("followup-admin.dll", ["alert", "ack", alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--by", lead], settings);
        Assert.True(ack.ExitCode == 0, ack.Stderr);
        Assert.Equal("acknowledged", await db.ExecuteScalarAsync<string>("SELECT status FROM alerts"));
    }

    [Fact]
    public async Task A_crisis_alert_tied_to_no_course_waits_in_status_without_a_lead_and_holds_up_no_therapists_alert()
    {
        await using var clinic = await SenderTrustTests.OpenProvingAsync();
        await SenderTrustTests.CheckInToAsync(clinic, "Kai");

        await SenderTrustTests.SendAsync(clinic, "someone@elsewhere.example", clinic.RepliesAddress, "I am going to kill myself tonight", []);
        Assert.Equal("unmatched", (await SenderTrustTests.ReadOneAsync(clinic)).Outcome);
        // A therapist's alert raised after it still goes out.
        var checkIn = (await new Mailbox(clinic.Address("kai")).MessagesAsync("INBOX")).Single();
        await SenderTrustTests.SendAsync(clinic, clinic.Address("kai"), checkIn.ReplyTo.Mailboxes.Single().Address, "Pain 8. I want to end my life.", [], checkIn);
        Assert.Equal("unverified", (await SenderTrustTests.ReadOneAsync(clinic)).Outcome);

        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("pending", await db.ExecuteScalarAsync<string>("SELECT notify_status FROM alerts WHERE course_id IS NULL"));
        Assert.Equal("sent", await db.ExecuteScalarAsync<string>("SELECT notify_status FROM alerts WHERE course_id IS NOT NULL"));
        var status = await clinic.Services.GetRequiredService<FollowUp.Operations.ServiceStatus>().ReadAsync(default);
        Assert.Equal(1, status.CrisisWithoutCourse);
    }
}
