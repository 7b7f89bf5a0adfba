using Dapper;
using FollowUp.Alerts;
using FollowUp.Tests.Alerts;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.DataProtection;

/// <summary>
/// Minimal-PHI mode, read from the real mailboxes: every email to a therapist or the lead (the alert, its escalation,
/// the daily digest, the crisis alert, the not-sent and unreachable notices, the crisis email for a message tied to no
/// course) carries the alert's reference and reason class, and no name, address, score or word of the patient; every
/// email to the patient (check-in, reminder, clarification, crisis contacts, STOP confirmation) names no therapist and
/// repeats no score or word of the patient's replies, in its subject least of all.
/// </summary>
public class MinimalPhiEmailTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task In_minimal_phi_mode_the_alert_its_escalation_and_the_digest_listing_it_name_no_patient_score_or_reply_word()
    {
        var lead = $"lead@{TestServers.UniqueDomain("lead")}";
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?>
        {
            ["FollowUp:Alerts:ConfirmingCheckIn"] = "false",
            ["FollowUp:Alerts:MinimalPhi"] = "true",
            ["FollowUp:Alerts:LeadAddress"] = lead,
        });
        await clinic.EnrolAsync("Ines", painAtStart: 8, painAtEnd: 3);
        await AlertLifecycleTests.AnswerAsync(clinic, "ines", "Pain 3, fine.", "Pain 6, my sciatica is flaring since the divorce.");
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 18, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await clinic.Services.GetRequiredService<Escalation>().EscalateAsync(default));
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 19, 8, 5, 0, TimeSpan.Zero));
        Assert.Equal(1, await clinic.Services.GetRequiredService<Digest>().SendDueAsync(default));

        var therapist = await new Mailbox(clinic.Address("therapist")).WaitForAsync(2);
        var alert = therapist.Single(m => m.Subject!.Contains("FollowUp alert for A-", StringComparison.Ordinal));
        var digest = therapist.Single(m => m.Subject!.StartsWith("FollowUp daily digest", StringComparison.Ordinal));
        var escalation = (await new Mailbox(lead).WaitForAsync(1)).Single();

        Assert.Contains("[escalated to the lead]", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("pain back up after the massage course", digest.TextBody, StringComparison.Ordinal);
        foreach (var message in new[] { alert, escalation, digest })
        {
            Assert.Contains("A-", message.Subject + message.TextBody, StringComparison.Ordinal);
            AssertNames(message, "Ines", "ines@", "Pain 6", "Pain 3", "6/10", "baseline 8", "sciatica", "divorce", "flaring");
        }
    }

    [Fact]
    public async Task In_minimal_phi_mode_the_patients_own_emails_name_no_therapist_and_repeat_no_score_or_word_of_the_patients_replies()
    {
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?>
        {
            ["FollowUp:Alerts:ConfirmingCheckIn"] = "false",
            ["FollowUp:Alerts:MinimalPhi"] = "true",
        });
        await clinic.EnrolAsync("Ines", painAtStart: 8, painAtEnd: 3);
        await using (var db = await clinic.Data.OpenConnectionAsync())
            await db.ExecuteAsync("UPDATE schedules SET minimal_phi = true, reminder_count = 1, reminder_spacing_days = 3");
        var ines = new Mailbox(clinic.Address("ines"));
        var replies = new Mailbox(clinic.RepliesAddress);

        // The first check-in, then its reminder three days later: Ines has not answered.
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 9, 31, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var checkIn = (await ines.WaitForAsync(1)).Single();
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 12, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await ines.WaitForAsync(2);

        // She answers with her story in the subject line and nothing readable in the text: the clarification answers it.
        await ReplyAsync(clinic, replies, checkIn, "My sciatica is flaring since the divorce", "Not sure what to say really.");
        await clinic.Dispatch.SendDueAsync(default);
        await ines.WaitForAsync(3);

        // Then a reply that mentions self-harm: the crisis contacts go to her, the alert to her therapist.
        clinic.Clock.Advance(TimeSpan.FromHours(1));
        await ReplyAsync(clinic, replies, checkIn, "Re: " + checkIn.Subject, "Pain 7. Some days I want to end my life.");
        await clinic.Alerts.NotifyAsync(default);
        await ines.WaitForAsync(4);

        // Then STOP: the confirmation.
        clinic.Clock.Advance(TimeSpan.FromHours(1));
        await ReplyAsync(clinic, replies, checkIn, "STOP", "STOP");
        await clinic.Dispatch.SendDueAsync(default);
        var received = await ines.WaitForAsync(5);

        var kinds = new[] { "checkin.", "reminder1.", "clarify.", "crisis.", "stopped." };
        Assert.All(kinds, kind => Assert.Single(received, m => m.MessageId!.StartsWith(kind, StringComparison.Ordinal)));
        Assert.Contains("We could not quite read your answer", received.Single(m => m.MessageId!.StartsWith("clarify.", StringComparison.Ordinal)).TextBody, StringComparison.Ordinal);
        foreach (var message in received)
        {
            AssertNames(message, "Sam Taylor", "Taylor", "therapist@", "Pain 7", "7/10", "sciatica", "divorce", "flaring", "end my life");
            // What a lock screen shows: the clinic's name, and not whom the email is for.
            Assert.Contains("Test Clinic", message.Subject, StringComparison.Ordinal);
            Assert.DoesNotContain("Ines", message.Subject, StringComparison.OrdinalIgnoreCase);
        }

        // Her therapist's crisis alert, and whatever else the therapist was told of her.
        var therapist = await new Mailbox(clinic.Address("therapist")).WaitForAsync(1);
        Assert.Single(therapist, m => m.Subject!.Contains("reply mentions self-harm", StringComparison.Ordinal));
        foreach (var message in therapist)
            AssertNames(message, "Ines", "ines@", "Pain 7", "7/10", "sciatica", "divorce", "flaring", "end my life");
    }

    [Fact]
    public async Task In_minimal_phi_mode_the_not_sent_and_unreachable_notices_and_the_crisis_email_for_a_message_tied_to_no_course_name_nobody()
    {
        var lead = $"lead@{TestServers.UniqueDomain("lead")}";
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?>
        {
            ["FollowUp:Alerts:MinimalPhi"] = "true",
            ["FollowUp:Alerts:LeadAddress"] = lead,
        });
        var annika = await clinic.EnrolAsync("Annika");
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        await clinic.Enrolment.EnrolAsync(new FollowUp.Courses.Enrolment
        {
            PatientName = "Ivy", PatientEmail = "ivy@bounce.test", TimeZone = "Europe/London", TherapistEmail = clinic.Address("therapist"),
            TherapistName = "Sam Taylor", StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = 7, PainAtEnd = 2,
        }, default);
        await using (var db = await clinic.Data.OpenConnectionAsync())
        {
            // Annika's schedule has a template that fails at send (stored before templates were checked): not_sent.
            await db.ExecuteAsync("""
                UPDATE schedules SET minimal_phi = true;
                INSERT INTO schedules (id, name, text_template, minimal_phi, updated_at) VALUES (50, 'old', '{% include ''x'' %}{{ questions }}', true, now());
                INSERT INTO schedule_items (schedule_id, sequence, offset_days, asks_phq2) SELECT 50, sequence, offset_days, asks_phq2 FROM schedule_items WHERE schedule_id = 1;
                UPDATE courses SET schedule_id = 50 WHERE id = @annika;
                """, new { annika });
        }
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));

        // Ivy's check-in comes back as a hard bounce (unreachable); a stranger writes of self-harm to the reply address.
        var result = await clinic.Dispatch.SendDueAsync(default);
        Assert.Equal((1, 1), (result.Sent, result.Failed));
        var replies = new Mailbox(clinic.RepliesAddress);
        await replies.WaitForAsync(1);
        var stranger = new MimeKit.MimeMessage { Subject = "Noor here, please help" };
        stranger.From.Add(new MimeKit.MailboxAddress("Noor Haddad", "noor.haddad@elsewhere.example"));
        stranger.To.Add(MimeKit.MailboxAddress.Parse(clinic.RepliesAddress));
        stranger.Body = new MimeKit.TextPart("plain") { Text = "I cannot go on, I want to end my life. My pain is 9 out of 10." };
        await Clinic.SendAsync(stranger);
        await replies.WaitForAsync(2);
        await clinic.Inbox.ReadAsync(default);
        await clinic.Alerts.NotifyAsync(default);

        var therapist = await new Mailbox(clinic.Address("therapist")).WaitForAsync(2);
        var notSent = therapist.Single(m => m.Subject!.Contains("a check-in could not be sent", StringComparison.Ordinal));
        var unreachable = therapist.Single(m => m.Subject!.Contains("follow-up emails cannot reach the patient", StringComparison.Ordinal));
        var crisis = (await new Mailbox(lead).WaitForAsync(1)).Single();
        Assert.StartsWith("URGENT: FollowUp alert A-", crisis.Subject, StringComparison.Ordinal);
        Assert.Contains("followup-admin alert show", crisis.TextBody, StringComparison.Ordinal);
        foreach (var message in new[] { notSent, unreachable, crisis })
        {
            Assert.Contains("A-", message.Subject, StringComparison.Ordinal);
            AssertNames(message, "Annika", "annika@", "Ivy", "ivy@", "bounce.test", "no such user", "Noor", "Haddad", "elsewhere.example",
                "please help", "cannot go on", "end my life", "9 out of 10");
        }
    }

    /// <summary>A reply as Ines's mail client sends it, read by the inbox.</summary>
    private static async Task ReplyAsync(Clinic clinic, Mailbox replies, MimeKit.MimeMessage checkIn, string subject, string text)
    {
        await Clinic.SendAsync(Clinic.ReplyTo(checkIn, checkIn.To.Mailboxes.Single().Address, subject, text));
        await replies.WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
    }

    /// <summary>None of <paramref name="phi"/> in the message's addresses, subject or either body, in any case.</summary>
    private static void AssertNames(MimeKit.MimeMessage message, params string[] phi)
    {
        var everything = message.From + "\n" + message.To + "\n" + message.ReplyTo + "\n" + message.Subject + "\n" + message.TextBody + "\n" + message.HtmlBody;
        foreach (var word in phi)
            Assert.False(everything.Contains(word, StringComparison.OrdinalIgnoreCase), $"'{message.Subject}' holds '{word}'");
    }
}
