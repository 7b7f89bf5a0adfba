using FollowUp.Alerts;

namespace FollowUp.Outcomes;

/// <summary>One course as the outcomes see it: pain at start and end, and each scheduled follow-up's answer (if any).</summary>
public sealed record OutcomeCourse(long Id, int Baseline, int? End, IReadOnlyList<OutcomeFollowUp> FollowUps);

/// <summary>A scheduled follow-up: its week, whether it was sent, and what the patient answered.</summary>
public sealed record OutcomeFollowUp(int OffsetDays, bool Sent, bool Answered, int? Pain, int? Phq2, int? Mood);

/// <summary>Median and quartiles (Tukey's hinges are not used: linear interpolation, as spreadsheets do).</summary>
public sealed record Quartiles(double Q1, double Median, double Q3)
{
    public static Quartiles? Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        return new Quartiles(At(sorted, 0.25), At(sorted, 0.5), At(sorted, 0.75));
    }

    private static double At(double[] sorted, double p)
    {
        var index = p * (sorted.Length - 1);
        var low = (int)Math.Floor(index);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (index - low);
    }
}

/// <summary>One follow-up week over the courses: how many answered, pain, its change against baseline and end, mood.</summary>
public sealed record OutcomeWeek(int Week, int Answered, Quartiles? Pain, Quartiles? VersusBaseline, Quartiles? VersusEnd, Quartiles? Phq2, Quartiles? Mood);

/// <summary>The median pain of a group at course start, course end and each follow-up week, for the chart.</summary>
public sealed record OutcomeGroup(string Name, int Courses, double? Start, double? End, IReadOnlyList<OutcomePoint> Weeks);

/// <summary>A group's median pain at a follow-up week (null: nobody in the group answered it).</summary>
public sealed record OutcomePoint(int Week, double? Median);

/// <summary>The clinic's outcomes over a set of courses.</summary>
public sealed record OutcomeSummary(int Courses, int ImprovedAtEnd, int KeptImprovement, int WorsenedLate, int LostToFollowUp,
    IReadOnlyList<OutcomeWeek> Weeks, IReadOnlyList<OutcomeGroup> Groups);

/// <summary>
/// Whether a clinic's own patients worsen after the course, as in Hasson et al. 2004: per follow-up week and per
/// group. The groups use the alert rule's own definitions (improved: 2 points and 30%; worsened late: a follow-up at
/// the rule's rise threshold above the end). Pure.
/// </summary>
public static class OutcomeSummaries
{
    public const string Kept = "improved, kept it";
    public const string Worsened = "improved, worsened late";
    public const string NotImproved = "not improved";
    /// <summary>Improved at the end, and no follow-up answered yet: nothing says whether the improvement lasted.</summary>
    public const string NotHeardSince = "improved, no answer since";

    public static OutcomeSummary Summarise(IReadOnlyList<OutcomeCourse> courses, AlertOptions options)
    {
        var weeks = courses.SelectMany(c => c.FollowUps).Select(f => f.OffsetDays / 7).Distinct().Order().ToList();
        var groupOf = courses.ToDictionary(c => c.Id, c => Group(c, options));
        var rows = weeks.Select(w =>
        {
            var answers = courses.SelectMany(c => c.FollowUps.Where(f => f.OffsetDays / 7 == w && f.Pain is not null).Select(f => (c, f))).ToList();
            return new OutcomeWeek(w, answers.Count,
                Quartiles.Of(answers.Select(a => (double)a.f.Pain!.Value).ToList()),
                Quartiles.Of(answers.Select(a => (double)(a.f.Pain!.Value - a.c.Baseline)).ToList()),
                Quartiles.Of(answers.Where(a => a.c.End is not null).Select(a => (double)(a.f.Pain!.Value - a.c.End!.Value)).ToList()),
                Quartiles.Of(courses.SelectMany(c => c.FollowUps.Where(f => f.OffsetDays / 7 == w && f.Phq2 is not null).Select(f => (double)f.Phq2!.Value)).ToList()),
                Quartiles.Of(courses.SelectMany(c => c.FollowUps.Where(f => f.OffsetDays / 7 == w && f.Mood is not null).Select(f => (double)f.Mood!.Value)).ToList()));
        }).ToList();
        var groups = new[] { Kept, Worsened, NotImproved, NotHeardSince }.Select(name =>
        {
            var members = courses.Where(c => groupOf[c.Id] == name).ToList();
            return new OutcomeGroup(name, members.Count,
                Quartiles.Of(members.Select(c => (double)c.Baseline).ToList())?.Median,
                Quartiles.Of(members.Where(c => c.End is not null).Select(c => (double)c.End!.Value).ToList())?.Median,
                weeks.Select(w => new OutcomePoint(w, Quartiles.Of(members.SelectMany(c => c.FollowUps.Where(f => f.OffsetDays / 7 == w && f.Pain is not null))
                    .Select(f => (double)f.Pain!.Value).ToList())?.Median)).ToList());
        }).Where(g => g.Courses > 0).ToList();
        return new OutcomeSummary(courses.Count,
            courses.Count(c => Improved(c, options)),
            courses.Count(c => groupOf[c.Id] == Kept),
            courses.Count(c => groupOf[c.Id] == Worsened),
            courses.Count(Lost),
            rows, groups);
    }

    private static bool Improved(OutcomeCourse c, AlertOptions options) => c.End is { } e && LateWorseningRule.Improved(c.Baseline, e, options);

    private static string Group(OutcomeCourse c, AlertOptions options)
    {
        if (!Improved(c, options)) return NotImproved;
        var end = c.End!.Value;
        if (c.FollowUps.Any(f => f.Pain is { } p && p - end >= options.RiseThreshold(end))) return Worsened;
        // Kept is a finding: it needs at least one answer after the course, else it would count hope as outcome.
        return c.FollowUps.Any(f => f.Pain is not null) ? Kept : NotHeardSince;
    }

    /// <summary>Lost to follow-up: the last follow-up that was sent has no answer (nothing heard at the end).</summary>
    private static bool Lost(OutcomeCourse c) =>
        c.FollowUps.Where(f => f.Sent).OrderBy(f => f.OffsetDays).LastOrDefault() is { Answered: false };
}
