using FollowUp.Alerts;
using Microsoft.Extensions.Configuration;

namespace FollowUp.Tests.Alerts;

/// <summary>The confirming check-in's decision and the thresholds that know the starting score, without servers.</summary>
public class ConfirmationTests
{
    private static readonly AlertOptions Defaults = new();

    [Fact]
    public void A_first_normal_late_worsening_reading_is_asked_again_instead_of_alerted()
    {
        var decision = Confirmation.Decide(8, 3, [new(7, 3), new(14, 5)], Defaults);
        Assert.Equal(PainStep.AskToConfirm, decision.Step);
        Assert.Equal(AlertKinds.LateWorsening, decision.Finding!.Kind);
    }

    [Fact]
    public void The_answer_to_the_confirming_check_in_above_the_threshold_alerts_and_says_it_was_confirmed()
    {
        var decision = Confirmation.Decide(8, 3, [new(7, 3), new(14, 5), new(17, 5, Confirming: true)], Defaults);
        Assert.Equal(PainStep.AlertNow, decision.Step);
        Assert.EndsWith("confirmed by the confirming check-in", decision.Finding!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_confirming_answer_back_under_the_threshold_raises_nothing()
    {
        Assert.Equal(PainStep.Nothing, Confirmation.Decide(8, 3, [new(7, 3), new(14, 5), new(17, 4, Confirming: true)], Defaults).Step);
    }

    [Fact]
    public void Two_scheduled_crossing_readings_in_a_row_confirm_each_other()
    {
        var decision = Confirmation.Decide(8, 3, [new(14, 5), new(28, 5)], Defaults);
        Assert.Equal(PainStep.AlertNow, decision.Step);
        Assert.Contains("also at week 2", decision.Finding!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_high_severity_reading_alerts_at_once_without_asking_again()
    {
        var decision = Confirmation.Decide(8, 3, [new(7, 3), new(56, 8)], Defaults);
        Assert.Equal(PainStep.AlertNow, decision.Step);
        Assert.Equal(AlertKinds.High, decision.Finding!.Severity);
    }

    [Fact]
    public void With_the_confirming_check_in_off_the_first_crossing_reading_alerts_at_once()
    {
        Assert.Equal(PainStep.AlertNow, Confirmation.Decide(8, 3, [new(14, 5)], new AlertOptions { ConfirmingCheckIn = false }).Step);
    }

    [Fact]
    public void An_unconfirmed_finding_says_so_in_its_reason()
    {
        var finding = Confirmation.Decide(8, 3, [new(14, 5)], Defaults).Finding!;
        Assert.EndsWith("unconfirmed: the confirming check-in was not answered", Confirmation.Unconfirmed(finding).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_small_improvers_single_reading_at_baseline_minus_one_is_not_high_severity()
    {
        // B 7, E 4: 6 is B - 1 but only 2 above the end, where one noisy reading lands often.
        var finding = LateWorseningRule.Evaluate(7, 4, [new(14, 6)], Defaults)!;
        Assert.Equal(AlertKinds.Normal, finding.Severity);
    }

    [Fact]
    public void A_pain_rise_from_a_high_baseline_needs_three_points_and_the_reason_says_so()
    {
        // Non-improver at 8: the minimal important change from 8-10 is 3 points (doi:10.1055/a-1304-3677).
        Assert.Null(LateWorseningRule.Evaluate(8, 8, [new(14, 10)], Defaults));
        var plain = LateWorseningRule.Evaluate(8, 8, [new(14, 10)], new AlertOptions { BaselineAwareThresholds = false });
        Assert.Equal(AlertKinds.PainRise, plain!.Kind);
        var rise = LateWorseningRule.Evaluate(7, 7, [new(14, 9)], Defaults);
        Assert.Equal(AlertKinds.PainRise, rise!.Kind);
        Assert.DoesNotContain("needed", rise.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Thresholds_are_the_larger_of_the_detectable_change_and_the_important_change_at_the_starting_score()
    {
        Assert.Equal([2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3], Enumerable.Range(0, 11).Select(Defaults.RiseThreshold).ToArray());
        Assert.All(Enumerable.Range(0, 11), s => Assert.Equal(2, new AlertOptions { BaselineAwareThresholds = false }.RiseThreshold(s)));
    }

    [Fact]
    public void A_phq2_total_of_two_is_a_mood_to_watch_without_an_alert_and_three_is_an_alert_instead()
    {
        var watch = Mood.Watch([new(14, 3, Phq2A: 1, Phq2B: 1)], Defaults);
        Assert.Equal(AlertKinds.MoodWatch, watch!.Kind);
        Assert.Null(Mood.Evaluate([new(14, 3, Phq2A: 1, Phq2B: 1)], Defaults));
        Assert.Null(Mood.Watch([new(14, 3, Phq2A: 2, Phq2B: 1)], Defaults));
        Assert.NotNull(Mood.Evaluate([new(14, 3, Phq2A: 2, Phq2B: 1)], Defaults));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_naming_the_key()
    {
        var problems = new AlertOptions { ImportantChangeFromScore = [1, 2], ConfirmAfterDays = 0, Phq2Watch = 9 }.Validate().ToList();
        Assert.Contains(problems, p => p.Contains("ImportantChangeFromScore", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ConfirmAfterDays", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Phq2Watch", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clinic_sets_its_own_important_changes_through_configuration_and_a_short_list_is_refused()
    {
        static AlertOptions Bound(params int[] values) => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select((v, i) => KeyValuePair.Create($"FollowUp:Alerts:ImportantChangeFromScore:{i}", (string?)v.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .Build().GetSection("FollowUp:Alerts").Get<AlertOptions>() ?? new AlertOptions();

        var own = Bound(4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4);
        Assert.Empty(own.Validate());
        Assert.Equal(4, own.NonImproverThreshold(3));
        Assert.Equal(2, Defaults.NonImproverThreshold(3));
        var one = Assert.Single(Bound(2).Validate());
        Assert.Contains("ImportantChangeFromScore must hold 11 values", one, StringComparison.Ordinal);
        Assert.Contains("was 1 values", one, StringComparison.Ordinal);
    }

    [Fact]
    public void A_confirmation_reminder_due_when_the_confirmation_has_expired_is_refused_naming_both_settings()
    {
        var problem = Assert.Single(new AlertOptions { ConfirmOpenDays = 3, ConfirmRemindAfterDays = 3 }.Validate());
        Assert.Contains("ConfirmRemindAfterDays", problem, StringComparison.Ordinal);
        Assert.Contains("ConfirmOpenDays (3)", problem, StringComparison.Ordinal);
        Assert.Empty(new AlertOptions { ConfirmOpenDays = 3, ConfirmRemindAfterDays = 0 }.Validate());
    }
}
