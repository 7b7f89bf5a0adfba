namespace FollowUp.Alerts;

/// <summary>A sent check-in as disengagement sees it: when it went out and whether any answer came.</summary>
internal sealed record SentCheckIn(int OffsetDays, DateTimeOffset SentAt, bool Answered);

/// <summary>
/// A patient who stopped taking part: opted out, or no answer to the last few check-ins although each had time (and
/// its reminder) to be answered. Lower priority: shown in the therapist's daily digest, not emailed on its own
/// (issue 6). A hard bounce is the separate "unreachable" alert. Pure.
/// </summary>
internal static class Disengagement
{
    public static Finding? Evaluate(IReadOnlyList<SentCheckIn> sent, DateTimeOffset? optedOutAt, DateTimeOffset now, AlertOptions options)
    {
        var last = sent.OrderBy(c => c.OffsetDays).LastOrDefault();
        if (optedOutAt is { } at)
            return new Finding(AlertKinds.Disengaged, AlertKinds.Low, $"Patient opted out of follow-up on {at:yyyy-MM-dd}",
                new PainReading(last?.OffsetDays ?? 0, null));
        // Only check-ins whose time to answer is over can be "missed"; the newest run of them decides.
        var closed = sent.Where(c => c.Answered || now - c.SentAt >= options.UnansweredAfter).OrderBy(c => c.OffsetDays).ToList();
        var missed = closed.AsEnumerable().Reverse().TakeWhile(c => !c.Answered).Reverse().ToList();
        if (missed.Count < options.DisengagedAfterMissed) return null;
        var weeks = string.Join(", ", missed.Select(c => LateWorseningRule.When(c.OffsetDays)));
        return new Finding(AlertKinds.Disengaged, AlertKinds.Low, $"No answer to the last {missed.Count} check-ins ({weeks})",
            new PainReading(missed[^1].OffsetDays, null));
    }
}
