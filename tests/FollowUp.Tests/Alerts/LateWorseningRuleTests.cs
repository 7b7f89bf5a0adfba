using FollowUp.Alerts;

namespace FollowUp.Tests.Alerts;

public class LateWorseningRuleTests
{
    [Fact]
    public void Pain_back_up_two_points_after_an_improving_course_raises_an_alert()
    {
        var finding = LateWorseningRule.Evaluate(8, 3, [new(7, 3), new(14, 4), new(56, 5)]);

        Assert.NotNull(finding);
        Assert.Equal("late_worsening", finding.Kind);
        Assert.Equal("normal", finding.Severity);
        Assert.Equal("Pain 5 at week 8, up from 3 at course end; baseline 8", finding.Reason);
    }

    [Fact]
    public void Pain_back_near_baseline_is_high_severity_and_the_reason_gives_the_mood()
    {
        var finding = LateWorseningRule.Evaluate(8, 3, [new(84, 7, MoodWord: "low")]);

        Assert.Equal("high", finding!.Severity);
        Assert.Equal("Pain 7 at week 12, up from 3 at course end; baseline 8; mood low", finding.Reason);
    }

    [Fact]
    public void A_rise_of_one_point_is_within_the_noise_and_raises_nothing()
    {
        Assert.Null(LateWorseningRule.Evaluate(8, 3, [new(28, 4)]));
    }

    [Fact]
    public void A_patient_who_did_not_improve_during_the_course_is_not_a_late_worsener()
    {
        Assert.Null(LateWorseningRule.Evaluate(5, 4, [new(28, 7)]));    // 1 point better: not important
        Assert.Null(LateWorseningRule.Evaluate(10, 8, [new(28, 10)]));  // 2 points but only 20%
        Assert.Null(LateWorseningRule.Evaluate(0, 0, [new(28, 3)]));    // no pain to begin with
    }

    [Fact]
    public void Improvement_needs_both_two_points_and_thirty_percent()
    {
        Assert.True(LateWorseningRule.Improved(6, 4));    // 2 points, 33%
        Assert.False(LateWorseningRule.Improved(7, 5));   // 2 points, 29%
        Assert.True(LateWorseningRule.Improved(3, 1));    // 2 points, 67%
    }

    [Fact]
    public void Without_an_end_of_course_score_the_first_check_in_within_a_week_stands_in_for_it()
    {
        Assert.Equal(3, LateWorseningRule.CourseEndPain(null, [new(14, 5), new(7, 3)]));
        Assert.Null(LateWorseningRule.CourseEndPain(null, [new(14, 5)]));

        var finding = LateWorseningRule.Evaluate(8, null, [new(7, 3), new(28, 6)]);
        Assert.Equal("Pain 6 at week 4, up from 3 at course end; baseline 8", finding!.Reason);
        Assert.Null(LateWorseningRule.Evaluate(8, null, [new(7, 3)]));
    }

    [Fact]
    public void The_latest_follow_up_decides_so_a_recovered_patient_raises_nothing_new()
    {
        Assert.Null(LateWorseningRule.Evaluate(8, 3, [new(28, 6), new(42, 3)]));
    }
}
