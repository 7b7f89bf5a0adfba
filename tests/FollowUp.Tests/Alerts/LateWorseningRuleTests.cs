using FollowUp.Alerts;

namespace FollowUp.Tests.Alerts;

/// <summary>The alert rules, pure: every rule and its edges, with the defaults and with settings changed.</summary>
public class LateWorseningRuleTests
{
    private static readonly AlertOptions Defaults = new();
    private static readonly AlertOptions Confirming = new() { RequireConfirmation = true };

    private static Finding? Pain(int baseline, int? end, IReadOnlyList<PainReading> readings) => LateWorseningRule.Evaluate(baseline, end, readings, Defaults);

    [Fact]
    public void Pain_back_up_two_points_after_an_improving_course_raises_an_alert()
    {
        var finding = Pain(8, 3, [new(7, 3), new(14, 4), new(56, 5)]);

        Assert.NotNull(finding);
        Assert.Equal("late_worsening", finding.Kind);
        Assert.Equal("normal", finding.Severity);
        Assert.Equal("Pain 5 at week 8, up from 3 at course end; baseline 8", finding.Reason);
    }

    [Fact]
    public void Pain_back_near_baseline_is_high_severity_and_the_reason_gives_the_mood()
    {
        var finding = Pain(8, 3, [new(84, 7, MoodWord: "low")]);

        Assert.Equal("high", finding!.Severity);
        Assert.Equal("Pain 7 at week 12, up from 3 at course end; baseline 8; mood low", finding.Reason);
    }

    [Fact]
    public void A_reading_back_at_baseline_is_high_severity()
    {
        Assert.Equal("high", Pain(8, 3, [new(56, 8)])!.Severity);
        Assert.Equal("high", Pain(8, 3, [new(56, 9)])!.Severity);   // worse than before the course
        Assert.Equal("normal", Pain(8, 3, [new(56, 6)])!.Severity); // B - 2: not yet near baseline
    }

    [Fact]
    public void Late_worsening_with_a_positive_phq2_is_high_severity_and_says_so()
    {
        var finding = Pain(8, 3, [new(56, 5, Phq2A: 2, Phq2B: 2)]);

        Assert.Equal("high", finding!.Severity);
        Assert.Equal("Pain 5 at week 8, up from 3 at course end; baseline 8; PHQ-2 4", finding.Reason);
    }

    [Fact]
    public void Phq2_of_two_is_below_the_cut_off_and_three_is_at_it()
    {
        Assert.Equal("normal", Pain(8, 3, [new(56, 5, Phq2A: 1, Phq2B: 1)])!.Severity);
        Assert.Null(Mood.Evaluate([new(56, 5, Phq2A: 1, Phq2B: 1)], Defaults));
        Assert.Equal("high", Pain(8, 3, [new(56, 5, Phq2A: 2, Phq2B: 1)])!.Severity);
        var mood = Mood.Evaluate([new(56, 2, Phq2A: 2, Phq2B: 1)], Defaults);
        Assert.Equal(("low_mood", "normal"), (mood!.Kind, mood.Severity));
        Assert.Equal("PHQ-2 3 at week 8: depression likely at 3 or more (Kroenke 2003); pain 2", mood.Reason);
    }

    [Fact]
    public void A_partial_phq2_counts_when_the_answered_item_alone_reaches_the_cut_off()
    {
        Assert.NotNull(Mood.Evaluate([new(28, null, Phq2A: 3)], Defaults));
        Assert.Null(Mood.Evaluate([new(28, null, Phq2B: 2)], Defaults));
        Assert.Equal("PHQ-2 at least 3 (one item answered)", Mood.Phq2Text(new(28, null, Phq2A: 3)));
    }

    [Fact]
    public void The_latest_phq2_decides_the_mood_alert()
    {
        Assert.Null(Mood.Evaluate([new(14, 4, Phq2A: 3, Phq2B: 2), new(28, 4, Phq2A: 0, Phq2B: 1)], Defaults));
        Assert.NotNull(Mood.Evaluate([new(14, 4, Phq2A: 0, Phq2B: 1), new(28, 4, Phq2A: 2, Phq2B: 2)], Defaults));
    }

    [Fact]
    public void The_phq2_cut_off_is_a_setting()
    {
        Assert.Null(Mood.Evaluate([new(28, null, Phq2A: 2, Phq2B: 2)], new AlertOptions { Phq2Cutoff = 5 }));
    }

    [Fact]
    public void A_rise_of_one_point_is_within_the_noise_and_raises_nothing()
    {
        Assert.Null(Pain(8, 3, [new(28, 4)]));
    }

    [Fact]
    public void A_patient_who_did_not_improve_during_the_course_is_not_a_late_worsener()
    {
        Assert.Null(Pain(5, 4, [new(28, 6)]));    // 1 point better: not important; 1 above baseline
        Assert.Null(Pain(10, 8, [new(28, 10)]));  // 2 points but only 20%
        Assert.Null(Pain(6, 6, [new(28, 7)]));    // unchanged, 1 above baseline
    }

    [Fact]
    public void A_non_improver_two_points_above_baseline_gets_a_lower_priority_alert()
    {
        var finding = Pain(5, 4, [new(28, 7)]);

        Assert.Equal(("pain_rise", "low"), (finding!.Kind, finding.Severity));
        Assert.Equal("Pain 7 at week 4, 2 above baseline 5; no important improvement during the course (end 4)", finding.Reason);
    }

    [Fact]
    public void Baseline_zero_cannot_improve_but_a_rise_from_it_is_still_seen()
    {
        Assert.False(LateWorseningRule.Improved(0, 0, Defaults));
        Assert.Null(Pain(0, 0, [new(28, 1)]));
        Assert.Equal("pain_rise", Pain(0, 0, [new(28, 3)])!.Kind);
    }

    [Fact]
    public void Improvement_needs_both_two_points_and_thirty_percent()
    {
        Assert.True(LateWorseningRule.Improved(6, 4, Defaults));    // 2 points, 33%
        Assert.False(LateWorseningRule.Improved(7, 5, Defaults));   // 2 points, 29%
        Assert.True(LateWorseningRule.Improved(3, 1, Defaults));    // 2 points, 67%
        Assert.True(LateWorseningRule.Improved(7, 5, new AlertOptions { ImportantFraction = 0.25 }));
    }

    [Fact]
    public void Without_an_end_of_course_score_the_first_check_in_within_a_week_stands_in_for_it()
    {
        Assert.Equal(3, LateWorseningRule.CourseEndPain(null, [new(14, 5), new(7, 3)], Defaults));
        Assert.Null(LateWorseningRule.CourseEndPain(null, [new(14, 5)], Defaults));

        var finding = Pain(8, null, [new(7, 3), new(28, 6)]);
        Assert.Equal("Pain 6 at week 4, up from 3 at course end; baseline 8", finding!.Reason);
        Assert.Null(Pain(8, null, [new(7, 3)]));
    }

    [Fact]
    public void With_no_end_of_course_score_at_all_only_a_rise_above_baseline_alerts()
    {
        Assert.Null(Pain(8, null, [new(14, 6), new(28, 7)]));   // maybe a worsener, maybe not: E unknown
        var finding = Pain(5, null, [new(14, 7)]);
        Assert.Equal("Pain 7 at week 2, 2 above baseline 5; no end-of-course score", finding!.Reason);
    }

    [Fact]
    public void Partial_answers_without_pain_are_skipped_by_the_pain_rule()
    {
        var finding = Pain(8, 3, [new(28, 6), new(42, null, MoodWord: "low")]);

        Assert.Equal("Pain 6 at week 4, up from 3 at course end; baseline 8", finding!.Reason);
        Assert.Null(Pain(8, 3, [new(28, null, MoodScore: 2)]));
    }

    [Fact]
    public void The_latest_follow_up_decides_so_a_recovered_patient_raises_nothing_new()
    {
        Assert.Null(Pain(8, 3, [new(28, 6), new(42, 3)]));
    }

    [Fact]
    public void A_single_noisy_reading_alerts_without_confirmation_and_waits_for_a_second_with_it()
    {
        PainReading[] oneSpike = [new(7, 3), new(14, 5)];
        PainReading[] confirmed = [new(7, 3), new(14, 5), new(28, 5)];
        PainReading[] spikeThenWell = [new(7, 3), new(14, 5), new(28, 3)];

        Assert.NotNull(LateWorseningRule.Evaluate(8, 3, oneSpike, Defaults));
        Assert.Null(LateWorseningRule.Evaluate(8, 3, oneSpike, Confirming));
        Assert.Equal("normal", LateWorseningRule.Evaluate(8, 3, confirmed, Confirming)!.Severity);
        Assert.Null(LateWorseningRule.Evaluate(8, 3, spikeThenWell, Confirming));
    }

    [Fact]
    public void A_high_severity_reading_never_waits_for_confirmation()
    {
        Assert.Equal("high", LateWorseningRule.Evaluate(8, 3, [new(14, 7)], Confirming)!.Severity);
        Assert.Equal("high", LateWorseningRule.Evaluate(8, 3, [new(14, 5, Phq2A: 3, Phq2B: 0)], Confirming)!.Severity);
    }

    [Fact]
    public void Every_pain_threshold_is_a_setting()
    {
        var strict = new AlertOptions { WorseningRise = 3, NearBaselineMargin = 0 };
        Assert.Null(LateWorseningRule.Evaluate(8, 3, [new(28, 5)], strict));
        Assert.Equal("normal", LateWorseningRule.Evaluate(8, 3, [new(28, 7)], strict)!.Severity);
        Assert.Null(LateWorseningRule.Evaluate(5, 4, [new(28, 7)], new AlertOptions { NonImproverRise = 3 }));
    }

    [Fact]
    public void Self_harm_words_in_a_reply_raise_a_high_crisis_finding()
    {
        var finding = CrisisWords.Evaluate([new(14, 3, Text: "pain 3"), new(28, 6, Text: "Pain 6. Honestly some days I want to die.")], Defaults);

        Assert.Equal(("crisis", "high"), (finding!.Kind, finding.Severity));
        Assert.Equal(28, finding.Reading.OffsetDays);
        Assert.Contains("\"want to die\"", finding.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Self_harm_phrases_match_across_case_punctuation_and_hyphens_but_not_inside_other_words()
    {
        Assert.Equal("self harm", CrisisWords.Default.FindFirst("thinking about SELF-HARM again"));
        Assert.Equal("suicidal", CrisisWords.Default.FindFirst("Feeling suicidal."));
        Assert.Null(CrisisWords.Default.FindFirst("pain 4, mood okay, back is stiff"));
        // A clinic's own phrase, too, matches as a whole word only (not in "dosage" or "overdue").
        Assert.Null(CrisisWords.For(["dose"]).FindFirst("The dosage on my overdue prescription"));
        Assert.NotNull(CrisisEmailFinding(new(28, 4, CrisisFlag: true)));
    }

    private static Finding? CrisisEmailFinding(PainReading reading) => CrisisWords.Evaluate([reading], Defaults);

    [Fact]
    public void All_findings_of_one_reply_come_together()
    {
        var findings = Assessment.Findings(8, 3, [new(56, 7, Phq2A: 2, Phq2B: 2, Text: "pain 7, I feel like ending it all... I want to die")], Defaults);

        Assert.Equal(["crisis", "late_worsening", "low_mood"], findings.Select(f => f.Kind).ToArray());
    }

    [Fact]
    public void The_mood_item_is_shown_as_a_trend_and_labelled_as_not_a_diagnosis()
    {
        var trend = Mood.Trend([new(7, 3, MoodScore: 8), new(28, 5, MoodScore: 6), new(56, 7, MoodScore: 3)]);

        Assert.Equal("Mood 8 → 6 → 3 (0-10, 10 = very good): falling. A trend only, not a diagnosis.", trend);
        Assert.Null(Mood.Trend([new(7, 3, MoodScore: 8)]));
    }

    [Fact]
    public void A_course_trajectory_s_mood_trend_reads_the_stored_scores_not_the_text_it_shows()
    {
        var on = new DateOnly(2026, 3, 1);
        TrajectoryPoint FollowUp(int week, int? score, string? shown) => new($"Week {week}", on.AddDays(7 * week), 4, shown, OffsetDays: 7 * week, MoodScore: score);
        var trajectory = CourseTrajectory.Of(on.AddDays(-42), on, 8, 3,
            [FollowUp(1, 8, "8/10"), FollowUp(2, null, "low"), FollowUp(4, 5, "5/10"), FollowUp(6, null, "6/10 (shown, not stored)")], Defaults);

        Assert.Equal("Mood 8 → 5 (0-10, 10 = very good): falling. A trend only, not a diagnosis.", trajectory.MoodTrend);
    }

    [Fact]
    public void Two_missed_check_ins_in_a_row_or_an_opt_out_mean_disengagement()
    {
        var now = new DateTimeOffset(2026, 12, 31, 12, 0, 0, TimeSpan.Zero);
        SentCheckIn Sent(int offset, int daysAgo, bool answered) => new(offset, now.AddDays(-daysAgo), answered);

        Assert.Equal("No answer to the last 2 check-ins (week 2, week 4)",
            Disengagement.Evaluate([Sent(7, 30, true), Sent(14, 23, false), Sent(28, 9, false)], null, now, Defaults)!.Reason);
        // The newest is still within its week to answer: only one missed so far.
        Assert.Null(Disengagement.Evaluate([Sent(7, 30, true), Sent(14, 23, false), Sent(28, 3, false)], null, now, Defaults));
        // A missed one followed by an answer is not a run.
        Assert.Null(Disengagement.Evaluate([Sent(7, 30, false), Sent(14, 23, true), Sent(28, 9, false)], null, now, Defaults));
        Assert.Equal("low", Disengagement.Evaluate([Sent(7, 30, true)], now.AddDays(-2), now, Defaults)!.Severity);
    }

    [Fact]
    public void Two_working_days_skip_the_weekend()
    {
        var thursday = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero), Escalation.AddWorkingDays(thursday, 2));
        var saturday = new DateTimeOffset(2026, 11, 7, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 11, 0, 0, 0, TimeSpan.Zero), Escalation.AddWorkingDays(saturday, 2));
    }

    [Fact]
    public void Settings_that_would_silence_a_patient_in_crisis_are_refused()
    {
        Assert.Empty(new AlertOptions().Validate());
        Assert.Contains(new AlertOptions { CrisisContacts = [] }.Validate(), p => p.Contains("CrisisContacts", StringComparison.Ordinal));
        Assert.Contains(new AlertOptions { LeadAddress = "not an address" }.Validate(), p => p.Contains("LeadAddress", StringComparison.Ordinal));
    }
}
