namespace FollowUp.Alerts;

/// <summary>A follow-up answer as the rule sees it: how long after the course ended, and the pain then.</summary>
public sealed record PainReading(int OffsetDays, int Pain, int? MoodScore = null, string? MoodWord = null);

/// <summary>Why a therapist should look at a course: a kind, a severity and one line anyone can read.</summary>
public sealed record Finding(string Kind, string Severity, string Reason, PainReading Reading);

/// <summary>
/// Late worsening: pain improved during the course and then came back up by a clinically important amount at a
/// follow-up, the pattern of Hasson et al. 2004 (massage group back at baseline three months later). Pure.
/// </summary>
public static class LateWorseningRule
{
    public const string Kind = "late_worsening";

    /// <summary>Minimal clinically important change on the 0-10 pain scale: 2 points (Farrar 2001; Ostelo 2008).</summary>
    public const int ImportantChange = 2;

    /// <summary>... and 30% of the baseline for an improvement to count (Farrar 2001; Ostelo 2008).</summary>
    public const double ImportantFraction = 0.30;

    /// <summary>Follow-ups this close to the course end stand in for a missing end-of-course score (design brief).</summary>
    public const int CourseEndWindowDays = 7;

    /// <summary>Pain at course end: as given at enrolment, else the first check-in within a week of the end.</summary>
    public static int? CourseEndPain(int? painAtEnd, IReadOnlyList<PainReading> readings) =>
        painAtEnd ?? readings.Where(r => r.OffsetDays <= CourseEndWindowDays).OrderBy(r => r.OffsetDays).FirstOrDefault()?.Pain;

    /// <summary>Improved during the course: at least 2 points and at least 30% down from baseline.</summary>
    public static bool Improved(int baseline, int courseEnd) =>
        baseline > 0 && baseline - courseEnd >= ImportantChange && (baseline - courseEnd) / (double)baseline >= ImportantFraction;

    /// <summary>The finding for the latest follow-up, or null when there is nothing to tell the therapist.</summary>
    public static Finding? Evaluate(int baseline, int? painAtEnd, IReadOnlyList<PainReading> readings)
    {
        var courseEnd = CourseEndPain(painAtEnd, readings);
        if (courseEnd is not { } end || !Improved(baseline, end)) return null;
        var followUps = readings.OrderBy(r => r.OffsetDays).ToList();
        // When the first check-in stood in for the end-of-course score it is not also a follow-up.
        if (painAtEnd is null && followUps.Count > 0) followUps.RemoveAt(0);
        var latest = followUps.LastOrDefault();
        if (latest is null || latest.Pain - end < ImportantChange) return null;
        // Back within a point of where they started: the trial's pattern, and the one to act on first.
        var severity = latest.Pain >= baseline - 1 ? "high" : "normal";
        var reason = $"Pain {latest.Pain} at {When(latest.OffsetDays)}, up from {end} at course end; baseline {baseline}";
        var mood = MoodText(latest);
        if (mood is not null) reason += $"; mood {mood}";
        return new Finding(Kind, severity, reason, latest);
    }

    public static string When(int offsetDays) => offsetDays % 7 == 0 ? $"week {offsetDays / 7}" : $"day {offsetDays}";

    public static string? MoodText(PainReading reading) =>
        reading.MoodWord ?? (reading.MoodScore is { } score ? $"{score}/10" : null);
}
