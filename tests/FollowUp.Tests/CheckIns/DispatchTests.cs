using Dapper;
using FollowUp.CheckIns;
using FollowUp.Demo;
using FollowUp.Schedules;
using FollowUp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FollowUp.Tests.CheckIns;

public class DispatchTests
{
    [Fact]
    public async Task Patients_in_sydney_and_los_angeles_receive_inside_their_own_window_across_a_clock_change()
    {
        // Sydney enters daylight saving on 4 Oct 2026, Los Angeles leaves it on 1 Nov 2026.
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 9, 24, 0, 0, 0, TimeSpan.Zero));
        // The check-ins alone: the default schedule's reminder (its own tests below) would add an email per check-in.
        var schedule = await clinic.Schedules.FindAsync(Schedule.DefaultName, default);
        await clinic.Schedules.SaveAsync(schedule! with { ReminderCount = 0 }, "test", default);
        await clinic.EnrolAsync("Sid", timeZone: "Australia/Sydney");
        await clinic.EnrolAsync("Lea", timeZone: "America/Los_Angeles");

        // The worker polls; here it runs every hour of business time through six weeks.
        var end = new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero);
        var sent = 0;
        while (clinic.Clock.GetUtcNow() < end)
        {
            clinic.Clock.Advance(TimeSpan.FromHours(1));
            sent += (await clinic.Dispatch.SendDueAsync(default)).Sent;
        }

        Assert.Equal(8, sent);
        foreach (var (patient, zoneId) in new[] { ("sid", "Australia/Sydney"), ("lea", "America/Los_Angeles") })
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            var received = await new Mailbox(clinic.Address(patient)).WaitForAsync(4);
            Assert.Equal(4, received.Count);
            var local = received.Select(m => TimeZoneInfo.ConvertTime(m.Date, zone)).OrderBy(d => d).ToList();
            Assert.All(local, d => Assert.InRange(d.TimeOfDay, TimeSpan.FromHours(9), TimeSpan.FromHours(19)));
            // Both sides of the change: the local opening is 09:00 while the UTC offset moved by an hour.
            Assert.Equal(2, local.Select(d => d.Offset).Distinct().Count());
        }
    }

    [Fact]
    public async Task An_edited_template_reaches_a_check_in_already_queued()
    {
        await using var clinic = await Clinic.OpenAsync();
        await clinic.EnrolAsync("Tess");
        var schedule = await clinic.Schedules.FindAsync(Schedule.DefaultName, default);
        await clinic.Schedules.SaveAsync(schedule! with
        {
            TextTemplate = "Dear {{ patient_name }}, a quick question from {{ clinic_name }}.\n\n{{ questions }}",
        }, "test", default);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);

        var email = (await new Mailbox(clinic.Address("tess")).WaitForAsync(1)).Single();
        Assert.StartsWith("Dear Tess, a quick question from Test Clinic.", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("Reply STOP to stop these emails.", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("not watched for emergencies", email.HtmlBody, StringComparison.Ordinal);
        Assert.StartsWith("<mailto:replies+c", email.Headers["List-Unsubscribe"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_workers_draining_the_same_queue_deliver_every_check_in_exactly_once()
    {
        await using var clinic = await Clinic.OpenAsync();
        const int patients = 24;
        for (var i = 0; i < patients; i++) await clinic.EnrolAsync($"P{i:00}");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        var extra = new Dictionary<string, string?> { ["FollowUp:Dispatch:BatchSize"] = "3", ["FollowUp:Dispatch:Lanes"] = "2" };
        await using var first = Worker(clinic, extra);
        await using var second = Worker(clinic, extra);

        var results = await Task.WhenAll(
            first.GetRequiredService<CheckInDispatch>().SendDueAsync(default),
            second.GetRequiredService<CheckInDispatch>().SendDueAsync(default));

        Assert.Equal(patients, results.Sum(r => r.Sent));
        for (var i = 0; i < patients; i++)
        {
            var mailbox = new Mailbox(clinic.Address($"p{i:00}"));
            await mailbox.WaitForAsync(1);
            Assert.Single(await mailbox.MessagesAsync());
        }
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(patients, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'sent'"));
        Assert.Equal(patients, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'check_in_sent'"));
    }

    [Fact]
    public async Task Reminders_go_with_their_own_message_id_and_the_same_reply_token_and_stop_after_an_answer()
    {
        await using var clinic = await Clinic.OpenAsync();
        var schedule = await clinic.Schedules.FindAsync(Schedule.DefaultName, default);
        await clinic.Schedules.SaveAsync(schedule! with { ReminderCount = 2, ReminderSpacingDays = 2 }, "test", default);
        await clinic.EnrolAsync("Rae");
        var rae = new SimulatedPatient(clinic.Address("rae"), clinic.Imap, Clinic.Smtp);
        var mailbox = new Mailbox(rae.Address);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 11, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var emails = await mailbox.WaitForAsync(2);
        var checkIn = emails.Single(m => m.Subject?.StartsWith("Reminder", StringComparison.Ordinal) != true);
        var reminder = emails.Single(m => m.Subject?.StartsWith("Reminder", StringComparison.Ordinal) == true);
        Assert.NotEqual(checkIn.MessageId, reminder.MessageId);
        Assert.Equal(checkIn.ReplyTo.Mailboxes.Single().Address, reminder.ReplyTo.Mailboxes.Single().Address);

        clinic.Clock.Advance(TimeSpan.FromHours(2));
        await rae.ReplyAsync(reminder, "Pain 2, mood good", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 13, 10, 0, 0, TimeSpan.Zero));
        var after = await clinic.Dispatch.SendDueAsync(default);
        Assert.Equal((0, 1), (after.Sent, after.Cancelled));
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("check-in answered", await db.ExecuteScalarAsync<string>("SELECT failure FROM reminders WHERE number = 2"));
        Assert.Equal(2, (await mailbox.MessagesAsync()).Count);
    }

    [Fact]
    public async Task A_stop_reply_also_stops_the_reminders_already_planned()
    {
        await using var clinic = await Clinic.OpenAsync();
        var schedule = await clinic.Schedules.FindAsync(Schedule.DefaultName, default);
        await clinic.Schedules.SaveAsync(schedule! with { ReminderCount = 1, ReminderSpacingDays = 2 }, "test", default);
        await clinic.EnrolAsync("Stu");
        var stu = new SimulatedPatient(clinic.Address("stu"), clinic.Imap, Clinic.Smtp);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(stu.Address).WaitForAsync(1)).Single();

        clinic.Clock.Advance(TimeSpan.FromHours(1));
        await stu.ReplyAsync(checkIn, "STOP", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 11, 10, 0, 0, TimeSpan.Zero));
        var after = await clinic.Dispatch.SendDueAsync(default);

        Assert.Equal((0, 1), (after.Sent, after.Cancelled));
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("patient opted out", await db.ExecuteScalarAsync<string>("SELECT failure FROM reminders WHERE kind = 'reminder'"));
        // Stu's mailbox holds the check-in and the confirmation of his STOP, no reminder.
        var received = await new Mailbox(stu.Address).MessagesAsync();
        Assert.Equal(checkIn.MessageId, received[0].MessageId);
        Assert.StartsWith("stopped.", Assert.Single(received.Skip(1)).MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claim_left_by_a_dead_worker_is_sent_by_another_after_the_lease_with_the_same_message_id()
    {
        await using var clinic = await Clinic.OpenAsync();
        var courseId = await clinic.EnrolAsync("Lee");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await using (var db = await clinic.Data.OpenConnectionAsync())
        {
            // A worker claimed it 11 minutes ago (database clock) and died: the lease (10 minutes) is over.
            await db.ExecuteAsync("""
                UPDATE check_ins SET status = 'sending', claimed_by = 'dead:1:x/1', claimed_at = now() - interval '11 minutes', attempts = 1
                WHERE course_id = @courseId AND sequence = 1
                """, new { courseId });
        }

        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);

        var email = (await new Mailbox(clinic.Address("lee")).WaitForAsync(1)).Single();
        var token = email.ReplyTo.Mailboxes.Single().Address.Split('+', '@')[1];
        Assert.Equal($"checkin.{token}@{clinic.Domain}", email.MessageId);
    }

    [Fact]
    public async Task A_check_in_of_a_paused_course_waits_and_one_of_a_withdrawn_course_is_cancelled_with_the_reason()
    {
        await using var clinic = await Clinic.OpenAsync();
        var paused = await clinic.EnrolAsync("Pam");
        var withdrawn = await clinic.EnrolAsync("Wil");
        await using (var db = await clinic.Data.OpenConnectionAsync())
        {
            await db.ExecuteAsync("UPDATE courses SET status = 'paused' WHERE id = @paused", new { paused });
            await db.ExecuteAsync("UPDATE courses SET status = 'withdrawn' WHERE id = @withdrawn", new { withdrawn });
        }

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        var result = await clinic.Dispatch.SendDueAsync(default);

        Assert.Equal((0, 1), (result.Sent, result.Cancelled));
        await using var check = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("planned", await check.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE course_id = @paused AND sequence = 1", new { paused }));
        Assert.Equal("course withdrawn", await check.ExecuteScalarAsync<string>("SELECT failure FROM check_ins WHERE course_id = @withdrawn AND sequence = 1", new { withdrawn }));
    }

    [Fact]
    public async Task The_per_minute_cap_holds_back_what_is_over_it_until_the_next_minute()
    {
        await using var clinic = await Clinic.OpenAsync();
        for (var i = 0; i < 5; i++) await clinic.EnrolAsync($"C{i}");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await using var capped = Worker(clinic, new Dictionary<string, string?> { ["FollowUp:Dispatch:RatePerMinute"] = "3" });
        var dispatch = capped.GetRequiredService<CheckInDispatch>();

        Assert.Equal(3, (await dispatch.SendDueAsync(default)).Sent);
        Assert.Equal(0, (await dispatch.SendDueAsync(default)).Sent);
        clinic.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await dispatch.SendDueAsync(default)).Sent);
    }

    // A second worker of the same clinic: its own services and SMTP connections, the same database and clock.
    private static ServiceProvider Worker(Clinic clinic, IDictionary<string, string?> extra)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Clinic.Settings(clinic.ConnectionString, clinic.Domain, extra)).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(clinic.Clock);
        services.AddFollowUpCore();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task An_out_of_office_reply_holds_back_the_reminder()
    {
        await using var clinic = await Clinic.OpenAsync();
        var schedule = await clinic.Schedules.FindAsync(Schedule.DefaultName, default);
        await clinic.Schedules.SaveAsync(schedule! with { ReminderCount = 1, ReminderSpacingDays = 2 }, "test", default);
        await clinic.EnrolAsync("Oona");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var checkIn = (await new Mailbox(clinic.Address("oona")).WaitForAsync(1)).Single();

        var away = new MimeKit.MimeMessage { Subject = "Automatic reply: " + checkIn.Subject };
        away.From.Add(MimeKit.MailboxAddress.Parse(clinic.Address("oona")));
        away.To.AddRange(checkIn.ReplyTo);
        away.Headers.Add("Auto-Submitted", "auto-replied");
        away.Body = new MimeKit.TextPart("plain") { Text = "I am away until the 20th with no access to email." };
        await Clinic.SendAsync(away);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 11, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("planned", await db.ExecuteScalarAsync<string>("SELECT status FROM reminders"));
        Assert.Single(await new Mailbox(clinic.Address("oona")).MessagesAsync());
    }

    [Fact]
    public async Task A_reply_to_a_reminder_that_lost_the_plus_address_is_matched_by_its_threading_headers()
    {
        await using var clinic = await Clinic.OpenAsync();
        var schedule = await clinic.Schedules.FindAsync(Schedule.DefaultName, default);
        await clinic.Schedules.SaveAsync(schedule! with { ReminderCount = 1, ReminderSpacingDays = 2 }, "test", default);
        await clinic.EnrolAsync("Pia");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 11, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var reminder = (await new Mailbox(clinic.Address("pia")).WaitForAsync(2))
            .Single(m => m.Subject?.StartsWith("Reminder", StringComparison.Ordinal) == true);

        var reply = new MimeKit.MimeMessage { Subject = "Re: " + reminder.Subject, InReplyTo = reminder.MessageId };
        reply.From.Add(MimeKit.MailboxAddress.Parse(clinic.Address("pia")));
        reply.To.Add(MimeKit.MailboxAddress.Parse(clinic.RepliesAddress));
        reply.Body = new MimeKit.TextPart("plain") { Text = "Pain 4, mood okay" };
        await Clinic.SendAsync(reply);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);

        Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(4, await db.ExecuteScalarAsync<int>("SELECT pain FROM replies"));
    }
}
