using System.Globalization;

namespace FollowUp.Alerts;

/// <summary>
/// Mood after the course. PHQ-2 (two items 0-3) at or above the cut-off is a mood alert (Kroenke 2003). The single 0-10
/// mood item is only a trend for the therapist to see, never a diagnosis: it is not a validated screen. Pure.
/// </summary>
internal static class Mood
{
    /// <summary>
    /// PHQ-2 at or above the cut-off. With one item missing the answered item is a lower bound of the total, so it
    /// still counts when that item alone reaches the cut-off (a partial answer never hides a certain positive).
    /// </summary>
    public static bool Phq2Positive(PainReading reading, AlertOptions options) =>
        (reading.Phq2A is not null || reading.Phq2B is not null) && (reading.Phq2A ?? 0) + (reading.Phq2B ?? 0) >= options.Phq2Cutoff;

    /// <summary>"PHQ-2 4", or "PHQ-2 at least 3 (one item answered)"; null without any item.</summary>
    public static string? Phq2Text(PainReading reading) => (reading.Phq2A, reading.Phq2B) switch
    {
        (null, null) => null,
        ({ } a, { } b) => string.Create(CultureInfo.InvariantCulture, $"PHQ-2 {a + b}"),
        var (a, b) => string.Create(CultureInfo.InvariantCulture, $"PHQ-2 at least {a ?? b} (one item answered)"),
    };

    /// <summary>"; mood low; PHQ-2 4" for a reason line.</summary>
    public static string Suffix(PainReading reading)
    {
        var text = "";
        if (LateWorseningRule.MoodText(reading) is { } mood) text += $"; mood {mood}";
        if (Phq2Text(reading) is { } phq2) text += $"; {phq2}";
        return text;
    }

    /// <summary>The mood alert for the latest follow-up that has any PHQ-2 item, or null.</summary>
    public static Finding? Evaluate(IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        var latest = readings.Where(r => r.Phq2A is not null || r.Phq2B is not null).OrderBy(r => r.OffsetDays).LastOrDefault();
        if (latest is null || !Phq2Positive(latest, options)) return null;
        var reason = $"{Phq2Text(latest)} at {LateWorseningRule.When(latest.OffsetDays)}: depression likely at {options.Phq2Cutoff} or more (Kroenke 2003)";
        if (latest.Pain is { } pain) reason += string.Create(CultureInfo.InvariantCulture, $"; pain {pain}");
        return new Finding(AlertKinds.LowMood, AlertKinds.Normal, reason, latest);
    }

    /// <summary>
    /// A PHQ-2 total at the watch level (2 by default) but under the cut-off: shown in the therapist's digest, never
    /// emailed alone (Arroll 2010: at 2 sensitivity 86% but specificity 78%, too many false positives for an alert).
    /// </summary>
    public static Finding? Watch(IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        var latest = readings.Where(r => r.Phq2A is not null && r.Phq2B is not null).OrderBy(r => r.OffsetDays).LastOrDefault();
        if (latest is null || latest.Phq2A + latest.Phq2B is not { } total || total < options.Phq2Watch || Phq2Positive(latest, options)) return null;
        return new Finding(AlertKinds.MoodWatch, AlertKinds.Low,
            $"{Phq2Text(latest)} at {LateWorseningRule.When(latest.OffsetDays)}: at the watch level {options.Phq2Watch}, under the alert cut-off {options.Phq2Cutoff}", latest);
    }

    /// <summary>
    /// The 0-10 mood item over time (0 = very low, 10 = very good, as the check-in asks), e.g. "mood 8/10 → 6 → 3/10,
    /// falling", labelled as a trend; null with fewer than two scores.
    /// </summary>
    public static string? Trend(IReadOnlyList<PainReading> readings)
    {
        var scores = readings.Where(r => r.MoodScore is not null).OrderBy(r => r.OffsetDays).Select(r => r.MoodScore!.Value).ToList();
        if (scores.Count < 2) return null;
        var direction = (scores[^1] - scores[0]) switch { <= -2 => "falling", >= 2 => "rising", _ => "steady" };
        return $"Mood {string.Join(" → ", scores)} (0-10, 10 = very good): {direction}. A trend only, not a diagnosis.";
    }
}
