using FollowUp.CheckIns;

namespace FollowUp.Tests.CheckIns;

public class CheckInPlannerTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo LosAngeles = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    [Fact]
    public void Default_schedule_plans_weeks_1_2_4_6_8_and_12_after_the_course_ends()
    {
        var plan = CheckInPlanner.Plan(new DateOnly(2026, 11, 5), London, CheckInPlanner.DefaultSchedule);

        Assert.Equal([7, 14, 28, 42, 56, 84], plan.Select(p => p.OffsetDays));
        Assert.Equal([1, 2, 3, 4, 5, 6], plan.Select(p => p.Sequence));
        Assert.Equal(new DateOnly(2027, 1, 28), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(plan[^1].DueAt, London).DateTime));
    }

    [Fact]
    public void Check_ins_go_out_in_the_patients_own_morning_on_both_sides_of_a_clock_change()
    {
        // The US leaves daylight saving on 1 November 2026: weeks 1 and 2 straddle nothing, but the course ended in DST.
        var plan = CheckInPlanner.Plan(new DateOnly(2026, 10, 20), LosAngeles, CheckInPlanner.DefaultSchedule);

        foreach (var checkIn in plan)
        {
            var local = TimeZoneInfo.ConvertTime(checkIn.DueAt, LosAngeles);
            Assert.Equal(new TimeOnly(9, 30), TimeOnly.FromDateTime(local.DateTime));
        }
        Assert.Equal(TimeSpan.FromHours(-7), plan[0].DueAt.Offset);   // 27 Oct: still PDT
        Assert.Equal(TimeSpan.FromHours(-8), plan[1].DueAt.Offset);   // 3 Nov: PST
    }

    [Fact]
    public void A_time_skipped_by_spring_forward_moves_on_by_the_gap_and_still_happens_once()
    {
        // 8 March 2026, 02:30 does not exist in Los Angeles (02:00 jumps to 03:00).
        var instant = CheckInPlanner.ToInstant(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), LosAngeles);

        Assert.Equal(new DateTimeOffset(2026, 3, 8, 10, 30, 0, TimeSpan.Zero), instant.ToUniversalTime());
        Assert.Equal(new TimeOnly(3, 30), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, LosAngeles).DateTime));
    }

    [Fact]
    public void A_time_repeated_by_fall_back_is_taken_at_its_first_occurrence()
    {
        // 1 November 2026, 01:30 happens twice in Los Angeles: first at PDT (-7), then at PST (-8).
        var instant = CheckInPlanner.ToInstant(new DateOnly(2026, 11, 1), new TimeOnly(1, 30), LosAngeles);

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 8, 30, 0, TimeSpan.Zero), instant.ToUniversalTime());
    }
}
