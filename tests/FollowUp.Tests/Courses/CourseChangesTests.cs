using Dapper;
using FollowUp.Courses;
using FollowUp.Schedules;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Courses;

public class CourseChangesTests
{
    [Fact]
    public async Task Re_anchoring_moves_the_planned_check_ins_and_leaves_the_sent_ones_where_they_were()
    {
        await using var clinic = await Clinic.OpenAsync();
        var courseId = await clinic.EnrolAsync("Rex");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);

        var change = await Changes(clinic).ReanchorAsync(courseId, new DateOnly(2026, 11, 5), "test", default);

        Assert.Equal(5, change.Moved);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var dues = (await db.QueryAsync<(short Sequence, DateTime DueAt, string Status)>("SELECT sequence, due_at, status FROM check_ins ORDER BY sequence")).ToList();
        Assert.Equal(new DateTime(2026, 11, 9, 9, 0, 0), dues[0].DueAt);      // sent: stays
        Assert.Equal(new DateTime(2026, 11, 19, 9, 0, 0), dues[1].DueAt);     // 5 Nov + 14 days, 09:00 London
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'course_reanchored'"));
    }

    [Fact]
    public async Task Withdrawing_cancels_every_planned_check_in_with_the_reason_and_a_withdrawn_course_cannot_be_paused()
    {
        await using var clinic = await Clinic.OpenAsync();
        var courseId = await clinic.EnrolAsync("Wendy");

        var change = await Changes(clinic).WithdrawAsync(courseId, "test", default);

        Assert.Equal(("withdrawn", 6), (change.Status, change.Cancelled));
        var refused = await Assert.ThrowsAsync<CourseChangeException>(() => Changes(clinic).PauseAsync(courseId, "test", default));
        Assert.Equal($"course {courseId} is withdrawn: only active courses can be paused", refused.Message);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(6, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE failure = 'course withdrawn'"));
    }

    [Fact]
    public async Task A_paused_course_gets_nothing_and_on_resume_what_expired_meanwhile_is_cancelled_and_the_rest_goes()
    {
        await using var clinic = await Clinic.OpenAsync();
        var courseId = await clinic.EnrolAsync("Paula");
        await Changes(clinic).PauseAsync(courseId, "test", default);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var resumed = await Changes(clinic).ResumeAsync(courseId, "test", default);

        Assert.Equal(("active", 1), (resumed.Status, resumed.Cancelled));   // week 1 expired when week 2 came due
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);  // week 2, still open
        var email = (await new Mailbox(clinic.Address("paula")).WaitForAsync(1)).Single();
        Assert.Contains("2 weeks", email.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schedule_with_a_bad_template_is_refused_when_saved_and_nothing_changes()
    {
        await using var clinic = await Clinic.OpenAsync();
        var bad = Schedule.Default with { TextTemplate = "{{ questions }}\n{% if x %}" };

        var error = await Assert.ThrowsAsync<ScheduleException>(() => clinic.Schedules.SaveAsync(bad, "test", default));

        Assert.Contains("text template, line 2", Assert.Single(error.Problems), StringComparison.Ordinal);
        Assert.Null((await clinic.Schedules.FindAsync(Schedule.DefaultName, default))!.TextTemplate);
    }

    [Fact]
    public async Task A_course_enrolled_on_a_named_schedule_follows_it()
    {
        await using var clinic = await Clinic.OpenAsync();
        await clinic.Schedules.SaveAsync(new Schedule { Name = "short", Items = [new(3, false, false), new(10, true, false)] }, "test", default);
        var today = DateOnly.FromDateTime(clinic.Clock.GetUtcNow().UtcDateTime);

        var courseId = await clinic.Enrolment.EnrolAsync(new Enrolment
        {
            PatientName = "Sho", PatientEmail = clinic.Address("sho"), TimeZone = "Europe/London", TherapistEmail = clinic.Address("therapist"),
            StartedOn = today.AddDays(-10), EndedOn = today, PainAtStart = 7, Schedule = "short",
        }, default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var rows = (await db.QueryAsync<(int OffsetDays, bool AsksPhq2, bool AsksMood)>(
            "SELECT offset_days, asks_phq2, asks_mood FROM check_ins WHERE course_id = @courseId ORDER BY sequence", new { courseId })).ToList();
        Assert.Equal([(3, false, false), (10, true, false)], rows);
    }

    private static CourseChanges Changes(Clinic clinic) => clinic.Changes;
}
