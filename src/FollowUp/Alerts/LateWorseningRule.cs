namespace FollowUp.Alerts;

/// <summary>
/// A follow-up answer as the rules see it: how long after the course ended, and what the patient said. Any part may
/// be missing (a partial answer). <paramref name="Text"/> is the patient's own words, for the self-harm check.
/// <paramref name="Confirming"/> marks the answer to a confirming check-in (asked a few days after a reading first crossed).
/// </summary>
internal sealed record PainReading(int OffsetDays, int? Pain, int? MoodScore = null, string? MoodWord = null,
    int? Phq2A = null, int? Phq2B = null, string? Text = null, bool CrisisFlag = false, bool Confirming = false);

/// <summary>
/// Why a therapist should look at a course: a kind, a severity and one line anyone can read. A pain finding also
/// carries the score its rise is measured from (<paramref name="From"/>: the course end or the baseline) and the rise
/// it needed (<paramref name="Needed"/>), so that a confirmation can judge later readings by the same yardstick.
/// </summary>
internal sealed record Finding(string Kind, string Severity, string Reason, PainReading Reading, int From = 0, int Needed = 0);

/// <summary>
/// How urgent an alert is, in order: the value is its rank. SQL ranks with <c>alert_severity_rank(severity)</c>
/// (migration V9), which gives each member this same value; <c>alerts.severity</c> stores the lower-case name.
/// </summary>
internal enum AlertSeverity
{
    Low = 1,
    Normal = 2,
    High = 3,
}

/// <summary>The kinds of alert and their severities, as stored in <c>alerts.kind</c> and <c>alerts.severity</c>.</summary>
internal static class AlertKinds
{
    public const string LateWorsening = "late_worsening";
    public const string PainRise = "pain_rise";
    public const string LowMood = "low_mood";
    public const string Crisis = "crisis";
    public const string Disengaged = "disengaged";
    public const string MoodWatch = "mood_watch";

    public const string High = "high";
    public const string Normal = "normal";
    public const string Low = "low";

    /// <summary>A stored severity's rank; anything unknown ranks lowest, as in SQL.</summary>
    public static int Rank(string severity) =>
        (int)Enum.GetValues<AlertSeverity>().FirstOrDefault(s => Name(s) == severity, AlertSeverity.Low);

    /// <summary>The severity as stored in <c>alerts.severity</c>.</summary>
    public static string Name(AlertSeverity severity) => severity.ToString().ToLowerInvariant();
}

/// <summary>
/// Pain after the course. Late worsening: pain improved during the course and then came back up by a clinically
/// important amount at a follow-up, the pattern of Hasson et al. 2004 (massage group back at baseline three months
/// later, with depressed mood). A patient who never improved can still get worse: a lower-priority "pain rise". Pure.
/// </summary>
internal static class LateWorseningRule
{
    public const string Kind = AlertKinds.LateWorsening;

    /// <summary>Pain at course end: as given at enrolment, else the first check-in within the window after the end.</summary>
    public static int? CourseEndPain(int? painAtEnd, IReadOnlyList<PainReading> readings, AlertOptions options) =>
        painAtEnd ?? readings.Where(r => r.Pain is not null && r.OffsetDays <= options.CourseEndWindowDays).OrderBy(r => r.OffsetDays).FirstOrDefault()?.Pain;

    /// <summary>Improved during the course: at least the MCID in points and in fraction of the baseline. B = 0 cannot improve.</summary>
    public static bool Improved(int baseline, int courseEnd, AlertOptions options) =>
        baseline > 0 && baseline - courseEnd >= options.ImportantChange && (baseline - courseEnd) / (double)baseline >= options.ImportantFraction;

    /// <summary>
    /// Pain at or above this is in the alert zone: course end + R(E) for an improver, baseline + the non-improver's rise
    /// otherwise, the rule's own thresholds, so the zone drawn is where a reading crosses; above 10 when none can.
    /// </summary>
    public static int AlertZoneFrom(int baseline, int? courseEnd, AlertOptions options) =>
        courseEnd is { } e && Improved(baseline, e, options) ? e + options.RiseThreshold(e) : baseline + options.NonImproverThreshold(baseline, courseEnd);

    /// <summary>The pain finding for the latest follow-up with a pain score, or null when there is nothing to tell.</summary>
    public static Finding? Evaluate(int baseline, int? painAtEnd, IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        var withPain = readings.Where(r => r.Pain is not null).OrderBy(r => r.OffsetDays).ToList();
        var end = CourseEndPain(painAtEnd, withPain, options);
        // When the first check-in stood in for the end-of-course score it is not also a follow-up.
        if (painAtEnd is null && end is not null) withPain.RemoveAt(0);
        if (withPain.Count == 0) return null;
        var latest = withPain[^1];
        var previous = withPain.Count > 1 ? withPain[^2] : null;
        var pain = latest.Pain!.Value;

        if (end is { } e && Improved(baseline, e, options))
        {
            var rise = options.RiseThreshold(e);
            if (pain - e < rise) return null;
            var phq2 = Mood.Phq2Positive(latest, options);
            // Back within a point of where they started (the trial's pattern) or with likely depression: act first.
            // The margin above the rise threshold keeps a single noisy reading of a small improver out of "high".
            var high = (pain >= baseline - options.NearBaselineMargin && pain - e >= rise + options.HighBeyondRise) || phq2;
            // One noisy reading may be damped by waiting for a second one; a high-severity reading never waits.
            if (!high && options.RequireConfirmation && (previous?.Pain is not { } p || p - e < rise)) return null;
            var reason = $"Pain {pain} at {When(latest.OffsetDays)}, up from {e} at course end{Needed(rise, options.WorseningRise)}; baseline {baseline}";
            return new Finding(Kind, high ? AlertKinds.High : AlertKinds.Normal, reason + Mood.Suffix(latest), latest, e, rise);
        }

        // Not improved (or no end score to tell): only a rise well above the starting pain is worth a look.
        var climb = options.NonImproverThreshold(baseline, end);
        if (pain - baseline < climb) return null;
        if (options.RequireConfirmation && (previous?.Pain is not { } q || q - baseline < climb)) return null;
        var course = end is { } known ? $"no important improvement during the course (end {known})" : "no end-of-course score";
        // From 8-10 the important change would pass 10: reaching 10 is the rise, and the line says so.
        var needed = options.RiseBeyondScale(baseline) ? " (10, the top of the scale, needed from there)" : Needed(climb, options.NonImproverRise);
        return new Finding(AlertKinds.PainRise, AlertKinds.Low,
            $"Pain {pain} at {When(latest.OffsetDays)}, {pain - baseline} above baseline {baseline}{needed}; {course}" + Mood.Suffix(latest), latest, baseline, climb);
    }

    // Said only when the baseline moved the threshold away from the plain MCID, so the one line still tells why.
    private static string Needed(int threshold, int plain) => threshold == plain ? "" : $" ({threshold} or more needed from there)";

    public static string When(int offsetDays) => offsetDays % 7 == 0 ? $"week {offsetDays / 7}" : $"day {offsetDays}";

    public static string? MoodText(PainReading reading) =>
        reading.MoodWord ?? (reading.MoodScore is { } score ? $"{score}/10" : null);
}
