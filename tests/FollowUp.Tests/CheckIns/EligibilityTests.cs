using FollowUp.CheckIns;

namespace FollowUp.Tests.CheckIns;

public class EligibilityTests
{
    private static readonly DateTime Now = new(2026, 11, 9, 10, 0, 0, DateTimeKind.Utc);

    private static SendState State(string course = "active", bool optedOut = false, bool undeliverable = false, string checkIn = "sent", bool? mine = true) =>
        new() { CourseStatus = course, OptedOut = optedOut, Undeliverable = undeliverable, CheckInStatus = checkIn, StillMine = mine };

    private static OutgoingKind Kind(bool reminder) => reminder ? OutgoingKind.Reminder : OutgoingKind.CheckIn;

    [Theory]
    [InlineData(false, "withdrawn", false, false, "sending", "course withdrawn")]
    [InlineData(false, "active", true, false, "sending", "patient opted out")]
    [InlineData(true, "active", true, false, "sent", "patient opted out")]
    [InlineData(true, "active", false, true, "sent", "patient's address is undeliverable")]
    [InlineData(true, "active", false, false, "answered", "check-in answered")]
    [InlineData(true, "active", false, false, "cancelled", "check-in cancelled")]
    public void A_row_that_may_no_longer_go_is_cancelled_with_the_reason(bool reminder, string course, bool optedOut, bool undeliverable, string checkIn, string reason)
    {
        Assert.Equal((Eligibility.Action.Cancel, reason), Eligibility.Decide(Kind(reminder), State(course, optedOut, undeliverable, checkIn), Now.AddDays(1), Now));
    }

    [Fact]
    public void Nothing_goes_at_or_after_expiry()
    {
        Assert.Equal((Eligibility.Action.Cancel, "check-in expired"), Eligibility.Decide(OutgoingKind.Reminder, State(), Now, Now));
        Assert.Equal((Eligibility.Action.Cancel, "expired before it could be sent"), Eligibility.Decide(OutgoingKind.CheckIn, State(checkIn: "sending"), Now, Now));
    }

    [Fact]
    public void A_paused_course_releases_the_row_and_a_lost_claim_is_left_alone()
    {
        Assert.Equal(Eligibility.Action.Release, Eligibility.Decide(OutgoingKind.CheckIn, State(course: "paused", checkIn: "sending"), null, Now).Item1);
        Assert.Equal(Eligibility.Action.Lost, Eligibility.Decide(OutgoingKind.CheckIn, State(mine: false), null, Now).Item1);
        Assert.Equal((Eligibility.Action.Send, null), Eligibility.Decide(OutgoingKind.CheckIn, State(checkIn: "sending"), null, Now));
    }

    [Fact]
    public void A_clarification_goes_after_its_check_ins_expiry_and_outside_the_window_but_not_once_the_check_in_is_answered()
    {
        Assert.Equal((Eligibility.Action.Send, null), Eligibility.Decide(OutgoingKind.Clarification, State(), Now.AddDays(-1), Now));
        Assert.False(Eligibility.WaitsForWindow(OutgoingKind.Clarification));
        Assert.True(Eligibility.WaitsForWindow(OutgoingKind.Reminder));
        Assert.Equal((Eligibility.Action.Cancel, "check-in answered"), Eligibility.Decide(OutgoingKind.Clarification, State(checkIn: "answered"), null, Now));
        Assert.Equal((Eligibility.Action.Cancel, "patient opted out"), Eligibility.Decide(OutgoingKind.Clarification, State(optedOut: true), null, Now));
    }

    [Fact]
    public void A_reminder_stops_once_the_patient_replied_but_the_clarification_still_asks_for_what_is_missing()
    {
        var replied = new SendState { CourseStatus = "active", CheckInStatus = "sent", StillMine = true, Awaiting = true };
        Assert.Equal((Eligibility.Action.Cancel, "patient replied"), Eligibility.Decide(OutgoingKind.Reminder, replied, Now.AddDays(1), Now));
        Assert.Equal((Eligibility.Action.Send, null), Eligibility.Decide(OutgoingKind.Clarification, replied, Now.AddDays(1), Now));
    }
}
