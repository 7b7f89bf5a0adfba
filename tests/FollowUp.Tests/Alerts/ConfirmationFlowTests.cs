using Dapper;
using FollowUp.Alerts;
using FollowUp.Tests.Support;
using FollowUp.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.Alerts;

/// <summary>The confirming check-in end to end: planned by the assessment, sent by dispatch, answered by mail, or expired.</summary>
public class ConfirmationFlowTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_first_crossing_answer_gets_a_pain_only_check_in_three_days_later_and_its_answer_raises_the_confirmed_alert()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Rosa", painAtStart: 8, painAtEnd: 3);
        var person = new SimulatedPatient(clinic.Address("rosa"), clinic.Imap, Clinic.Smtp);
        var mailbox = new Mailbox(person.Address);
        await using var db = await clinic.Data.OpenConnectionAsync();

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 9, 31, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await AnswerAsync(clinic, person, (await mailbox.WaitForAsync(1)).Single(), "Pain 5");

        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE course_id = @courseId", new { courseId }));
        var confirming = await db.QuerySingleAsync<(int Sequence, DateTime DueAt, bool AsksPhq2, bool AsksMood)>(
            "SELECT sequence, due_at, asks_phq2, asks_mood FROM check_ins WHERE course_id = @courseId AND confirms_check_in_id IS NOT NULL", new { courseId });
        Assert.Equal(1001, confirming.Sequence);
        Assert.False(confirming.AsksPhq2 || confirming.AsksMood);
        // Three days after the answer (Mon 9 Nov 11:31), at the next opening of the window in London.
        Assert.Equal(new DateTime(2026, 11, 12), confirming.DueAt.Date);

        clinic.Clock.SetUtcNow(new DateTimeOffset(confirming.DueAt, TimeSpan.Zero).AddMinutes(1));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var ask = (await mailbox.WaitForAsync(2)).OrderBy(m => m.Date).Last();
        Assert.DoesNotContain("Interest", ask.TextBody, StringComparison.Ordinal);
        await AnswerAsync(clinic, person, ask, "Pain 6");

        var alert = await db.QuerySingleAsync<(string Kind, string Severity, string Reason)>("SELECT kind, severity, reason FROM alerts WHERE course_id = @courseId", new { courseId });
        Assert.Equal(("late_worsening", "normal"), (alert.Kind, alert.Severity));
        Assert.Equal("Pain 6 at day 10, up from 3 at course end; baseline 8; confirmed by the confirming check-in: 5 at week 1, 6 at day 10 "
            + "(both 2 or more above the course end 3 and more on average, as one reading is within the scale's noise)", alert.Reason);
        var show = await Tool.RunAsync("followup-admin.dll", ["course", "show", courseId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--connection", clinic.ConnectionString]);
        Assert.Contains("confirming check-in of #1 (pain only)", show.Stdout, StringComparison.Ordinal);
        var log = await Tool.RunAsync("followup-admin.dll", ["send", "list", "--course", courseId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--connection", clinic.ConnectionString],
            new Dictionary<string, string?> { ["FollowUp__Clinic__TokenKey"] = Clinic.TokenKey });
        Assert.True(log.ExitCode == 0, log.Stderr);
        Assert.Contains("#1001 confirming", log.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unanswered_confirming_check_in_still_raises_the_alert_saying_it_is_unconfirmed_once()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await FirstCheckInAnsweredAsync(clinic, "Omar", "Pain 5");
        var expiry = clinic.Services.GetRequiredService<ConfirmationExpiry>();

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 12, 11, 40, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        Assert.Equal(0, await expiry.RaiseExpiredAsync(default));
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 17, 9, 31, 0, TimeSpan.Zero)); // four days open: expired
        Assert.Equal(1, await expiry.RaiseExpiredAsync(default));
        Assert.Equal(0, await expiry.RaiseExpiredAsync(default));

        await using var db = await clinic.Data.OpenConnectionAsync();
        var reason = await db.ExecuteScalarAsync<string>("SELECT reason FROM alerts WHERE course_id = @courseId AND kind = 'late_worsening'", new { courseId });
        Assert.Equal("Pain 5 at week 1, up from 3 at course end; baseline 8; unconfirmed: the confirming check-in was not answered", reason);
    }

    [Fact]
    public async Task A_confirming_check_in_left_unanswered_gets_one_reminder_before_it_expires_and_an_answer_to_the_reminder_confirms_the_alert()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await FirstCheckInAnsweredAsync(clinic, "Ines", "Pain 5");
        var mailbox = new Mailbox(clinic.Address("ines"));
        await using var db = await clinic.Data.OpenConnectionAsync();

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 12, 11, 40, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var planned = await db.QuerySingleAsync<ReminderRow>(ConfirmationReminder, new { courseId });
        // Two days after the confirming check-in went out, inside the window, before the confirmation expires (16 Nov).
        Assert.Equal((1, new DateTime(2026, 11, 14, 11, 40, 0)), (planned.Number, planned.DueAt));
        Assert.True(planned.DueAt < planned.ExpiresAt);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 13, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 14, 11, 41, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 15, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var mail = (await mailbox.WaitForAsync(3)).OrderBy(m => m.Date).ToList();
        Assert.Equal(3, mail.Count);
        Assert.StartsWith("Reminder:", mail[2].Subject, StringComparison.Ordinal);
        Assert.Equal("sent", (await db.QuerySingleAsync<ReminderRow>(ConfirmationReminder, new { courseId })).Status);

        await AnswerAsync(clinic, new SimulatedPatient(clinic.Address("ines"), clinic.Imap, Clinic.Smtp), mail[2], "Pain 6");
        var reason = await db.ExecuteScalarAsync<string>("SELECT reason FROM alerts WHERE course_id = @courseId AND kind = 'late_worsening'", new { courseId });
        Assert.Equal("Pain 6 at day 10, up from 3 at course end; baseline 8; confirmed by the confirming check-in: 5 at week 1, 6 at day 10 "
            + "(both 2 or more above the course end 3 and more on average, as one reading is within the scale's noise)", reason);
    }

    [Fact]
    public async Task A_confirming_check_in_answered_before_its_reminder_is_due_sends_no_reminder()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await FirstCheckInAnsweredAsync(clinic, "Tomas", "Pain 5");
        var person = new SimulatedPatient(clinic.Address("tomas"), clinic.Imap, Clinic.Smtp);
        var mailbox = new Mailbox(person.Address);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 12, 11, 40, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        // 6 after 5: above the threshold on average, so the answer confirms (ConfirmationRule.AboveOnAverage).
        await AnswerAsync(clinic, person, (await mailbox.WaitForAsync(2)).OrderBy(m => m.Date).Last(), "Pain 6");

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 14, 11, 41, 0, TimeSpan.Zero));
        var run = await clinic.Dispatch.SendDueAsync(default);
        Assert.Equal((0, 1), (run.Sent, run.Cancelled));
        await using var db = await clinic.Data.OpenConnectionAsync();
        var reminder = await db.QuerySingleAsync<ReminderRow>(ConfirmationReminder, new { courseId });
        Assert.Equal(("cancelled", "check-in answered"), (reminder.Status, reminder.Failure));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE course_id = @courseId AND kind = 'late_worsening'", new { courseId }));
    }

    private sealed class ReminderRow
    {
        public short Number { get; init; }
        public DateTime DueAt { get; init; }
        public DateTime ExpiresAt { get; init; }
        public string Status { get; init; } = "";
        public string? Failure { get; init; }
    }

    // The one reminder of the course's confirming check-in (QuerySingle: a second one fails the test).
    private const string ConfirmationReminder = """
        SELECT r.number, r.due_at, ci.expires_at, r.status, r.failure FROM reminders r JOIN check_ins ci ON ci.id = r.check_in_id
        WHERE ci.course_id = @courseId AND ci.confirms_check_in_id IS NOT NULL AND r.kind = 'reminder'
        """;

    [Fact]
    public async Task A_high_severity_answer_alerts_at_once_without_a_confirming_check_in()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await FirstCheckInAnsweredAsync(clinic, "Lena", "Pain 8");

        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("high", await db.ExecuteScalarAsync<string>("SELECT severity FROM alerts WHERE course_id = @courseId", new { courseId }));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE course_id = @courseId AND confirms_check_in_id IS NOT NULL", new { courseId }));
    }

    /// <summary>Enrols a course (baseline 8, end 3), sends its week-1 check-in by dispatch and answers it by mail.</summary>
    private static async Task<long> FirstCheckInAnsweredAsync(Clinic clinic, string patient, string answer)
    {
        var courseId = await clinic.EnrolAsync(patient, painAtStart: 8, painAtEnd: 3);
        var person = new SimulatedPatient(clinic.Address(patient.ToLowerInvariant()), clinic.Imap, Clinic.Smtp);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 9, 31, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await AnswerAsync(clinic, person, (await new Mailbox(person.Address).WaitForAsync(1)).Single(), answer);
        return courseId;
    }

    private static async Task AnswerAsync(Clinic clinic, SimulatedPatient person, MimeKit.MimeMessage checkIn, string text)
    {
        clinic.Clock.Advance(TimeSpan.FromHours(2));
        await person.ReplyAsync(checkIn, text, clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);
    }
}
