using FollowUp.CheckIns;
using FollowUp.Schedules;

namespace FollowUp.Tests.CheckIns;

public class CheckInPlannerTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo LosAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
    private static readonly TimeZoneInfo Sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");

    private static TimeOnly LocalTime(DateTimeOffset instant, TimeZoneInfo zone) => TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    private static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    [Fact]
    public void Default_schedule_plans_weeks_1_2_4_6_8_and_12_after_the_course_ends_with_phq2_at_2_4_8_and_12()
    {
        var plan = CheckInPlanner.Plan(new DateOnly(2026, 11, 5), London, Schedule.Default);

        Assert.Equal([7, 14, 28, 42, 56, 84], plan.Select(p => p.OffsetDays));
        Assert.Equal([1, 2, 3, 4, 5, 6], plan.Select(p => p.Sequence));
        Assert.Equal([false, true, true, false, true, true], plan.Select(p => p.AsksPhq2));
        Assert.Equal(new DateOnly(2027, 1, 28), LocalDate(plan[^1].DueAt, London));
        Assert.All(plan, p => Assert.Equal(TimeSpan.Zero, p.DueAt.Offset));
    }

    [Fact]
    public void A_check_in_expires_when_the_next_one_is_due_and_the_last_after_the_gap_before_it()
    {
        var plan = CheckInPlanner.Plan(new DateOnly(2026, 11, 5), London, Schedule.Default);

        Assert.Equal(plan[1].DueAt, plan[0].ExpiresAt);
        Assert.Equal(new DateOnly(2026, 11, 5).AddDays(84 + 28), LocalDate(plan[^1].ExpiresAt, London));
    }

    [Fact]
    public void Check_ins_go_out_when_the_patients_window_opens_on_both_sides_of_a_clock_change_in_los_angeles()
    {
        // The US leaves daylight saving on 1 November 2026: week 1 is still PDT, week 2 is PST.
        var plan = CheckInPlanner.Plan(new DateOnly(2026, 10, 20), LosAngeles, Schedule.Default);

        Assert.All(plan, p => Assert.Equal(new TimeOnly(9, 0), LocalTime(p.DueAt, LosAngeles)));
        Assert.Equal(new DateTimeOffset(2026, 10, 27, 16, 0, 0, TimeSpan.Zero), plan[0].DueAt);   // 09:00 PDT (-7)
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 17, 0, 0, TimeSpan.Zero), plan[1].DueAt);    // 09:00 PST (-8)
    }

    [Fact]
    public void Check_ins_go_out_when_the_patients_window_opens_on_both_sides_of_a_clock_change_in_sydney()
    {
        // Sydney enters daylight saving on 4 October 2026 (AEST +10 to AEDT +11).
        var plan = CheckInPlanner.Plan(new DateOnly(2026, 9, 24), Sydney, Schedule.Default);

        Assert.All(plan, p => Assert.Equal(new TimeOnly(9, 0), LocalTime(p.DueAt, Sydney)));
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 23, 0, 0, TimeSpan.Zero), plan[0].DueAt);    // 1 Oct 09:00 AEST
        Assert.Equal(new DateTimeOffset(2026, 10, 7, 22, 0, 0, TimeSpan.Zero), plan[1].DueAt);    // 8 Oct 09:00 AEDT
    }

    [Fact]
    public void A_check_in_due_on_a_quiet_day_moves_to_the_next_day_that_is_not_quiet()
    {
        // 5 Nov 2026 is a Thursday: week 1 falls on Thursday 12 Nov; with Thursday and Friday quiet it goes on Saturday.
        var schedule = Schedule.Default with { QuietDays = [DayOfWeek.Thursday, DayOfWeek.Friday] };

        var plan = CheckInPlanner.Plan(new DateOnly(2026, 11, 5), London, schedule);

        Assert.Equal(new DateOnly(2026, 11, 14), LocalDate(plan[0].DueAt, London));
        Assert.All(plan, p => Assert.DoesNotContain(LocalDate(p.DueAt, London).DayOfWeek, schedule.QuietDays));
    }

    [Fact]
    public void A_window_opening_in_the_skipped_hour_opens_once_just_after_the_gap()
    {
        // 8 March 2026, 02:30 does not exist in Los Angeles (02:00 jumps to 03:00).
        var schedule = Schedule.Default with { WindowStart = new TimeOnly(2, 30), WindowEnd = new TimeOnly(6, 0) };

        var opening = SendWindow.NextOpening(new DateTimeOffset(2026, 3, 8, 8, 0, 0, TimeSpan.Zero), schedule, LosAngeles);

        Assert.Equal(new DateTimeOffset(2026, 3, 8, 10, 30, 0, TimeSpan.Zero), opening);
        Assert.Equal(new TimeOnly(3, 30), LocalTime(opening, LosAngeles));
    }

    [Fact]
    public void A_window_opening_in_the_repeated_hour_opens_at_its_first_occurrence_only()
    {
        // 5 April 2026, 02:30 happens twice in Sydney (AEDT +11, then AEST +10).
        var schedule = Schedule.Default with { WindowStart = new TimeOnly(2, 30), WindowEnd = new TimeOnly(4, 0) };

        var first = SendWindow.NextOpening(new DateTimeOffset(2026, 4, 4, 12, 0, 0, TimeSpan.Zero), schedule, Sydney);

        Assert.Equal(new DateTimeOffset(2026, 4, 4, 15, 30, 0, TimeSpan.Zero), first);
        // Once inside, later instants of that night (the second 02:30 included) are in the same window, not a new one.
        Assert.True(SendWindow.IsOpen(first.AddHours(1), schedule, Sydney));
    }

    [Fact]
    public void Outside_the_window_the_next_opening_is_the_next_morning_in_the_patients_zone()
    {
        // 20:00 in Los Angeles on 2 Nov 2026 (04:00 UTC on the 3rd): closed until 09:00 PST.
        var opening = SendWindow.NextOpening(new DateTimeOffset(2026, 11, 3, 4, 0, 0, TimeSpan.Zero), Schedule.Default, LosAngeles);

        Assert.Equal(new DateTimeOffset(2026, 11, 3, 17, 0, 0, TimeSpan.Zero), opening);
        Assert.True(SendWindow.IsOpen(new DateTimeOffset(2026, 11, 3, 20, 0, 0, TimeSpan.Zero), Schedule.Default, LosAngeles));
    }

    [Fact]
    public void Reminders_follow_the_spacing_inside_the_window_and_never_at_or_after_expiry()
    {
        var schedule = Schedule.Default with { ReminderCount = 3, ReminderSpacingDays = 3 };
        var sent = new DateTimeOffset(2026, 11, 12, 9, 0, 0, TimeSpan.Zero);

        var reminders = CheckInPlanner.Reminders(sent, sent.AddDays(7), London, schedule);

        Assert.Equal([sent.AddDays(3), sent.AddDays(6)], reminders);
    }

    [Fact]
    public void A_reminder_that_would_fall_at_night_waits_for_the_window()
    {
        var schedule = Schedule.Default with { ReminderCount = 1, ReminderSpacingDays = 2, WindowEnd = new TimeOnly(18, 30) };
        var sent = new DateTimeOffset(2026, 11, 12, 18, 29, 0, TimeSpan.Zero);

        var reminder = Assert.Single(CheckInPlanner.Reminders(sent.AddMinutes(30), sent.AddDays(7), London, schedule));

        Assert.Equal(new DateTimeOffset(2026, 11, 15, 9, 0, 0, TimeSpan.Zero), reminder);
    }
}
