namespace FollowUp.Alerts;

/// <summary>What to do with a course's pain finding: nothing, alert now, or ask again first (a confirming check-in).</summary>
internal enum PainStep { Nothing, AlertNow, AskToConfirm }

/// <summary>The step and the finding it is about (null only for <see cref="PainStep.Nothing"/>).</summary>
internal sealed record PainDecision(PainStep Step, Finding? Finding);

/// <summary>
/// The confirming check-in, the deciding half. A normal-severity late worsening or pain rise on its first crossing
/// reading is asked again a few days later instead of being alerted; the answer to that check-in, or a second crossing
/// reading in a row, confirms it. A high-severity reading or a crisis never waits. Pure.
/// </summary>
internal static class Confirmation
{
    public static PainDecision Decide(int baseline, int? painAtEnd, IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        if (LateWorseningRule.Evaluate(baseline, painAtEnd, readings, options) is not { } finding) return new(PainStep.Nothing, null);
        if (!options.ConfirmingCheckIn || finding.Severity == AlertKinds.High) return new(PainStep.AlertNow, finding);
        var withPain = readings.Where(r => r.Pain is not null).OrderBy(r => r.OffsetDays).ToList();
        var latest = withPain[^1];
        if (latest.Confirming) return new(PainStep.AlertNow, finding with { Reason = finding.Reason + "; confirmed by the confirming check-in" });
        // Two crossing readings in a row confirm each other (the second may be a scheduled check-in).
        var earlier = withPain.Take(withPain.Count - 1).ToList();
        if (earlier.Count > 0 && LateWorseningRule.Evaluate(baseline, painAtEnd, earlier, options) is { } before && before.Kind == finding.Kind)
            return new(PainStep.AlertNow, finding with { Reason = finding.Reason + $"; also at {LateWorseningRule.When(before.Reading.OffsetDays)}" });
        return new(PainStep.AskToConfirm, finding);
    }

    /// <summary>The finding a confirming check-in left unanswered still goes, saying so.</summary>
    public static Finding Unconfirmed(Finding finding) =>
        finding with { Reason = finding.Reason + "; unconfirmed: the confirming check-in was not answered" };
}
