using Dapper;
using FollowUp.Tests.Support;
using FollowUp.Demo;
using MimeKit;

namespace FollowUp.Tests;

/// <summary>The whole loop on the real servers: enrol, send, reply, store, assess, alert.</summary>
public class FollowUpLoopTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_worsening_patient_gets_check_ins_their_replies_are_stored_and_the_therapist_is_alerted()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Dana", painAtStart: 8, painAtEnd: 3);
        var dana = new SimulatedPatient(clinic.Address("dana"), clinic.Imap, Clinic.Smtp);
        var danasMailbox = new Mailbox(dana.Address);

        // Nothing is due before the first check-in's window opens (09:00 in London = 09:00 UTC in November).
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 8, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, (await clinic.Dispatch.SendDueAsync(default)).Sent);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 9, 31, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var checkIn = (await danasMailbox.WaitForAsync(1)).Single();
        Assert.StartsWith($"replies+c", checkIn.ReplyTo.Mailboxes.Single().Address, StringComparison.Ordinal);
        Assert.Equal("auto-generated", checkIn.Headers["Auto-Submitted"]);
        Assert.Contains("not watched for emergencies", checkIn.TextBody, StringComparison.Ordinal);
        Assert.Contains("0 = no pain, 10 = worst pain imaginable", checkIn.TextBody, StringComparison.Ordinal);
        await using (var db = await clinic.Data.OpenConnectionAsync())
            Assert.Equal(checkIn.MessageId, await db.ExecuteScalarAsync<string>("SELECT message_id FROM check_ins WHERE sequence = 1"));

        await ReplyAsync(clinic, dana, checkIn, "Pain 3, mood good");
        Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);

        await AnswerNextAsync(clinic, dana, danasMailbox, new DateTimeOffset(2026, 11, 16, 9, 31, 0, TimeSpan.Zero), 2, "Pain 4, mood okay");
        Assert.Equal(0, await clinic.Alerts.NotifyAsync(default));

        await AnswerNextAsync(clinic, dana, danasMailbox, new DateTimeOffset(2026, 11, 30, 9, 31, 0, TimeSpan.Zero), 3, "Pain 6, mood low");
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));

        var alert = (await new Mailbox(clinic.Address("therapist")).WaitForAsync(1)).Single();
        Assert.Contains("FollowUp alert for Dana", alert.Subject, StringComparison.Ordinal);
        var lines = alert.TextBody!.Split('\n');
        Assert.Equal("Pain 6 at week 4, up from 3 at course end; baseline 8; mood low.", lines[0].TrimEnd());
        Assert.Contains(lines, l => l.Contains("Course start", StringComparison.Ordinal) && l.Contains(" 8  ########", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Week 4", StringComparison.Ordinal) && l.Contains("mood low", StringComparison.Ordinal));

        await using (var db = await clinic.Data.OpenConnectionAsync())
        {
            var stored = (await db.QueryAsync<(int Sequence, short? Pain, string? MoodWord)>("""
                SELECT ci.sequence, r.pain, r.mood_word FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id ORDER BY ci.sequence
                """)).ToList();
            Assert.Equal([(1, (short?)3, "good"), (2, 4, "okay"), (3, 6, "low")], stored);
            Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE course_id = @courseId AND notify_status = 'sent'", new { courseId }));
        }
        // Processed mail is moved, never deleted; reading the mailbox again changes nothing.
        Assert.Equal(3, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count);
        Assert.Empty(await new Mailbox(clinic.RepliesAddress).MessagesAsync());
        Assert.Equal(0, (await clinic.Inbox.ReadAsync(default)).Read);
    }

    [Fact]
    public async Task A_reply_is_processed_once_even_when_it_is_still_in_the_inbox_after_a_crash()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Eve");
        var eve = new SimulatedPatient(clinic.Address("eve"), clinic.Imap, Clinic.Smtp);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(eve.Address).WaitForAsync(1)).Single();
        await ReplyAsync(clinic, eve, checkIn, "pain 2");
        // The same message delivered twice (e.g. a resend by the client): one answer, one duplicate.
        await ReplyAsync(clinic, eve, checkIn, "pain 2", sameMessageIdAsBefore: true);

        var first = await clinic.Inbox.ReadAsync(default);
        var second = await clinic.Inbox.ReadAsync(default);

        Assert.Equal(2, first.Read);
        Assert.Equal(1, first.Answers);
        Assert.Equal(0, second.Read);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        Assert.Equal(["answer", "duplicate"], (await db.QueryAsync<string>("SELECT outcome FROM inbound_messages ORDER BY id")).ToList());
    }

    [Fact]
    public async Task A_reply_from_someone_else_or_with_a_forged_token_is_never_stored_as_the_patients_answer()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Finn");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(clinic.Address("finn")).WaitForAsync(1)).Single();
        var token = checkIn.ReplyTo.Mailboxes.Single().Address;

        var stranger = new SimulatedPatient(clinic.Address("stranger"), clinic.Imap, Clinic.Smtp);
        await stranger.ReplyAsync(checkIn, "Pain 9", clinic.Clock.GetUtcNow(), default);
        var finn = new SimulatedPatient(clinic.Address("finn"), clinic.Imap, Clinic.Smtp);
        var forged = new MimeMessage();
        forged.From.Add(MailboxAddress.Parse(finn.Address));
        forged.To.Add(MailboxAddress.Parse(token.Replace("-", "-x", StringComparison.Ordinal)));
        forged.Subject = "Re: check-in";
        forged.Body = new TextPart("plain") { Text = "Pain 9" };
        await Clinic.SendAsync(forged);

        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal(2, result.Read);
        Assert.Equal(0, result.Answers);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        var details = (await db.QueryAsync<string>("SELECT detail FROM inbound_messages WHERE outcome = 'unmatched' ORDER BY id")).ToList();
        Assert.Equal(2, details.Count);
        Assert.Contains(details, d => d.StartsWith("sender is not the patient", StringComparison.Ordinal));
        Assert.Contains(details, d => d.StartsWith("reply token is not valid", StringComparison.Ordinal));
        Assert.Equal(2, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Unmatched")).Count);
    }

    [Fact]
    public async Task A_stop_reply_cancels_every_later_check_in_of_the_patient()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Gus");
        var gus = new SimulatedPatient(clinic.Address("gus"), clinic.Imap, Clinic.Smtp);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(gus.Address).WaitForAsync(1)).Single();

        await ReplyAsync(clinic, gus, checkIn, "STOP");
        await clinic.Inbox.ReadAsync(default);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 1, 10, 0, 0, TimeSpan.Zero));

        Assert.Equal(0, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(5, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'cancelled'"));
        Assert.NotNull(await db.ExecuteScalarAsync<DateTime?>("SELECT opted_out_at FROM patients"));
    }

    [Fact]
    public async Task A_check_in_to_an_address_the_server_refuses_is_marked_failed_with_the_reason()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        await clinic.Enrolment.EnrolAsync(new FollowUp.Courses.Enrolment
        {
            PatientName = "Hal", PatientEmail = "hal@reject.test", TimeZone = "Europe/London", TherapistEmail = clinic.Address("therapist"),
            StartedOn = today.AddDays(-30), EndedOn = today, PainAtStart = 7, PainAtEnd = 2,
        }, default);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));

        var result = await clinic.Dispatch.SendDueAsync(default);

        Assert.Equal(1, result.Failed);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var failure = await db.ExecuteScalarAsync<string>("SELECT failure FROM check_ins WHERE status = 'failed'");
        Assert.Contains("550", failure, StringComparison.Ordinal);
        Assert.NotNull(await db.ExecuteScalarAsync<DateTime?>("SELECT undeliverable_at FROM patients"));
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        var told = (await new Mailbox(clinic.Address("therapist")).WaitForAsync(1)).Single();
        Assert.Contains("cannot reach the patient", told.Subject, StringComparison.Ordinal);
        Assert.StartsWith("Patient unreachable by email: refused by the SMTP server: 550", told.TextBody, StringComparison.Ordinal);
        // Nothing more is sent to a refused address, whatever comes due.
        clinic.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 1, 10, 0, 0, TimeSpan.Zero));
        var later = await clinic.Dispatch.SendDueAsync(default);
        Assert.Equal((0, 0), (later.Sent, later.Failed));
    }

    private static async Task AnswerNextAsync(Clinic clinic, SimulatedPatient patient, Mailbox mailbox, DateTimeOffset at, int expected, string answer)
    {
        clinic.Clock.SetUtcNow(at);
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var checkIn = (await mailbox.WaitForAsync(expected))[^1];
        await ReplyAsync(clinic, patient, checkIn, answer);
        Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);
    }

    private static async Task ReplyAsync(Clinic clinic, SimulatedPatient patient, MimeMessage checkIn, string text, bool sameMessageIdAsBefore = false)
    {
        clinic.Clock.Advance(TimeSpan.FromHours(2));
        if (!sameMessageIdAsBefore)
        {
            await patient.ReplyAsync(checkIn, text, clinic.Clock.GetUtcNow(), default);
        }
        else
        {
            var previous = (await new Mailbox(clinic.RepliesAddress).WaitForAsync(1)).Single();
            await Clinic.SendAsync(previous);
        }
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(sameMessageIdAsBefore ? 2 : 1);
    }
}
