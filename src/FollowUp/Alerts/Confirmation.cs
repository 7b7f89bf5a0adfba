namespace FollowUp.Alerts;

/// <summary>What to do with a course's pain finding: nothing, alert now, or ask again first (a confirming check-in).</summary>
internal enum PainStep { Nothing, AlertNow, AskToConfirm }

/// <summary>The step and the finding it is about (null only for <see cref="PainStep.Nothing"/>).</summary>
internal sealed record PainDecision(PainStep Step, Finding? Finding);

/// <summary>
/// The confirming check-in, the deciding half. A normal-severity late worsening or pain rise on its first crossing
/// reading is asked again a few days later instead of being alerted; the answer to that check-in, or a second crossing
/// scheduled reading in a row, confirms it, judged by <see cref="AlertOptions.ConfirmationRule"/>. A high-severity
/// reading or a crisis never waits. Pure.
/// </summary>
internal static class Confirmation
{
    public static PainDecision Decide(int baseline, int? painAtEnd, IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        if (LateWorseningRule.Evaluate(baseline, painAtEnd, readings, options) is not { } finding) return new(PainStep.Nothing, null);
        if (!options.ConfirmingCheckIn || finding.Severity == AlertKinds.High) return new(PainStep.AlertNow, finding);
        var withPain = readings.Where(r => r.Pain is not null).OrderBy(r => r.OffsetDays).ToList();
        var latest = withPain[^1];
        // The crossing readings in a row that end with this one, walking back through the confirming answers to the
        // reading they confirm: the evidence the confirmation is judged on.
        var run = new List<Finding> { finding };
        for (var n = withPain.Count - 1; run[^1].Reading.Confirming && n > 0; n--)
        {
            if (LateWorseningRule.Evaluate(baseline, painAtEnd, withPain.Take(n).ToList(), options) is not { } before || before.Kind != finding.Kind) break;
            run.Add(before);
        }
        if (latest.Confirming && run.Count > 1)
            return options.ConfirmationRule == ConfirmationRule.AtThreshold || Convincing(run)
                ? new(PainStep.AlertNow, finding with { Reason = finding.Reason + Confirmed(run, options) })
                : new(PainStep.AskToConfirm, finding);
        if (latest.Confirming) return new(PainStep.AlertNow, finding with { Reason = finding.Reason + "; confirmed by the confirming check-in" });
        // Two scheduled crossing readings in a row confirm each other: weeks apart, they describe different weeks.
        var earlier = withPain.Take(withPain.Count - 1).ToList();
        if (earlier.Count > 0 && LateWorseningRule.Evaluate(baseline, painAtEnd, earlier, options) is { } previous && previous.Kind == finding.Kind)
            return new(PainStep.AlertNow, finding with
            {
                Reason = finding.Reason + $"; also at {LateWorseningRule.When(previous.Reading.OffsetDays)} (two check-ins in a row {finding.Needed} or more above {Yardstick(finding)})",
            });
        return new(PainStep.AskToConfirm, finding);
    }

    /// <summary>The finding a confirming check-in left unanswered still goes, saying so.</summary>
    public static Finding Unconfirmed(Finding finding) =>
        finding with { Reason = finding.Reason + "; unconfirmed: the confirming check-in was not answered" };

    // Above on average: the last two readings' mean exceeds the threshold (one of them above it), or three readings in a
    // row reach it. Two answers a few days apart about "the past week" describe mostly the same days.
    private static bool Convincing(List<Finding> run) =>
        run.Count >= 3 || Rise(run[0]) + Rise(run[1]) > 2 * run[0].Needed;

    private static int Rise(Finding finding) => finding.Reading.Pain!.Value - finding.From;

    // What was confirmed and by which rule, in the reason line: the readings, oldest first, and the rule in one clause.
    private static string Confirmed(List<Finding> run, AlertOptions options)
    {
        var readings = string.Join(", ", run.AsEnumerable().Reverse().Select(f => $"{f.Reading.Pain} at {LateWorseningRule.When(f.Reading.OffsetDays)}"));
        var by = run.Count > 2 ? $"{run.Count - 1} confirming check-ins" : "the confirming check-in";
        var first = run[0];
        var rule = options.ConfirmationRule == ConfirmationRule.AtThreshold
            ? $"each {first.Needed} or more above {Yardstick(first)}"
            : run.Count > 2
                ? $"{run.Count} readings in a row {first.Needed} or more above {Yardstick(first)}"
                : $"both {first.Needed} or more above {Yardstick(first)} and more on average, as one reading is within the scale's noise";
        return $"; confirmed by {by}: {readings} ({rule})";
    }

    private static string Yardstick(Finding finding) => finding.Kind == AlertKinds.PainRise ? $"baseline {finding.From}" : $"the course end {finding.From}";
}
