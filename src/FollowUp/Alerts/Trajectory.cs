using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace FollowUp.Alerts;

/// <summary>
/// One point of a course's pain over time; a follow-up carries its offset after the course's end. <see cref="Mood"/>
/// is the text people read ("8/10", "low"); <see cref="MoodScore"/> the 0-10 item itself, which the trend reads.
/// </summary>
public sealed record TrajectoryPoint(string Label, DateOnly On, int? Pain, string? Mood, string? Phq2 = null, int? OffsetDays = null, int? MoodScore = null);

/// <summary>
/// A course's pain over time as every reader shows it (the alert email, followup-admin, later the web face): the
/// baseline, the end of the course, the follow-ups and the alert zone. The course-end pain and the zone are the
/// rule's own (<see cref="LateWorseningRule"/>), so what a therapist sees drawn is what the rule judged.
/// </summary>
public sealed record CourseTrajectory(TrajectoryPoint Start, TrajectoryPoint End, IReadOnlyList<TrajectoryPoint> FollowUps, int? EndPain, int AlertZoneFrom)
{
    /// <summary>Start, end, then the follow-ups.</summary>
    public IReadOnlyList<TrajectoryPoint> Points => [Start, End, .. FollowUps];

    /// <summary>The 0-10 mood item over the follow-ups as a labelled trend line, or null (fewer than two scores).</summary>
    public string? MoodTrend =>
        Mood.Trend(Points.Select((p, i) => new PainReading(i, p.Pain, p.MoodScore)).ToList());

    /// <summary>Retention removed the course's scores: its points have no pain, and say so rather than "no answer".</summary>
    public bool ScoresRemoved { get; init; }

    /// <summary>
    /// The trajectory of a course from its scores and its follow-ups; a null <paramref name="painAtStart"/> is a course
    /// whose scores retention removed (no points, no alert zone). Pure.
    /// </summary>
    public static CourseTrajectory Of(DateOnly startedOn, DateOnly endedOn, int? painAtStart, int? painAtEnd, IReadOnlyList<TrajectoryPoint> followUps, AlertOptions options)
    {
        var readings = followUps.Where(p => p.OffsetDays is not null).Select(p => new PainReading(p.OffsetDays!.Value, p.Pain)).ToList();
        var end = LateWorseningRule.CourseEndPain(painAtEnd, readings, options);
        return new CourseTrajectory(
            new TrajectoryPoint("Course start", startedOn, painAtStart, null),
            new TrajectoryPoint("Course end", endedOn, painAtEnd, null),
            followUps, end, painAtStart is { } baseline ? LateWorseningRule.AlertZoneFrom(baseline, end, options) : NoZone)
        { ScoresRemoved = painAtStart is null };
    }

    // Above the scale: nothing is drawn or said about an alert zone.
    private const int NoZone = 11;

    /// <summary>A course's trajectory from the database, in one round trip.</summary>
    public static async Task<CourseTrajectory> ReadAsync(NpgsqlDataSource dataSource, long courseId, AlertOptions options, CancellationToken cancellationToken) =>
        (await ReadManyAsync(dataSource, [courseId], options, cancellationToken)).TryGetValue(courseId, out var trajectory)
            ? trajectory : throw new InvalidOperationException($"course {courseId} does not exist");

    /// <summary>The trajectories of several courses (a page of a patient list) in one round trip; absent ids are left out.</summary>
    public static async Task<IReadOnlyDictionary<long, CourseTrajectory>> ReadManyAsync(NpgsqlDataSource dataSource, IReadOnlyList<long> courseIds, AlertOptions options,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(CoursesAndFollowUps, new { courseIds = courseIds.ToArray() }, cancellationToken: cancellationToken));
        var courses = (await results.ReadAsync<CourseRow>()).ToList();
        var followUps = (await results.ReadAsync<FollowUpRow>()).ToLookup(r => r.CourseId, r =>
        {
            var reading = new PainReading(r.OffsetDays, r.Pain, r.MoodScore, r.MoodWord, r.Phq2A, r.Phq2B);
            return new TrajectoryPoint(
                LateWorseningRule.When(r.OffsetDays).Replace("week", "Week", StringComparison.Ordinal).Replace("day", "Day", StringComparison.Ordinal),
                DateOnly.FromDateTime(r.DueAt), r.Pain, LateWorseningRule.MoodText(reading), Mood.Phq2Text(reading), r.OffsetDays, r.MoodScore);
        });
        return courses.ToDictionary(c => c.Id, c => Of(c.StartedOn, c.EndedOn, c.PainAtStart, c.PainAtEnd, followUps[c.Id].ToList(), options));
    }

    private sealed class CourseRow
    {
        public long Id { get; init; }
        public DateOnly StartedOn { get; init; }
        public DateOnly EndedOn { get; init; }
        public int? PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
    }

    private sealed class FollowUpRow
    {
        public long CourseId { get; init; }
        public int OffsetDays { get; init; }
        public DateTime DueAt { get; init; }
        public int? Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
        public int? Phq2A { get; init; }
        public int? Phq2B { get; init; }
    }

    // The latest reply per check-in counts (a second reply corrects the first), as in the assessment.
    private const string CoursesAndFollowUps = """
        SELECT id, started_on, ended_on, pain_at_start, pain_at_end FROM courses WHERE id = ANY(@courseIds);
        SELECT ci.course_id, ci.offset_days, ci.due_at, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b
        FROM check_ins ci
        LEFT JOIN LATERAL (
            SELECT pain, mood_score, mood_word, phq2_a, phq2_b FROM replies WHERE check_in_id = ci.id ORDER BY received_at DESC, id DESC LIMIT 1) r ON true
        WHERE ci.course_id = ANY(@courseIds) AND ci.status IN ('sent', 'answered', 'failed')
        ORDER BY ci.course_id, ci.sequence
        """;
}

/// <summary>The trajectory as plain text: the alert email's text part and <c>followup-admin alert show</c> print the same lines.</summary>
public static class TrajectoryText
{
    /// <summary>How a follow-up is named everywhere ("week 2", "day 10"), from its offset after the course's end.</summary>
    public static string When(int offsetDays) => LateWorseningRule.When(offsetDays);

    public static string Render(CourseTrajectory trajectory)
    {
        var text = new StringBuilder();
        text.AppendLine("Pain over time (0 = no pain, 10 = worst imaginable):");
        foreach (var point in trajectory.Points)
        {
            var pain = point.Pain is { } p ? $"{p,2}  {new string('#', p),-10}" : trajectory.ScoresRemoved ? " -  (removed)    " : " -  (no answer)  ";
            var mood = point.Mood is null ? "" : $"  mood {point.Mood}";
            var phq2 = point.Phq2 is null ? "" : $"  {point.Phq2}";
            text.AppendLine(FormattableString.Invariant($"  {point.Label,-13} {point.On:yyyy-MM-dd}  {pain}{mood}{phq2}").TrimEnd());
        }
        if (trajectory.AlertZoneFrom <= 10) text.AppendLine(CultureInfo.InvariantCulture, $"  Alert zone: pain {trajectory.AlertZoneFrom} or more.");
        if (trajectory.MoodTrend is { } trend) text.AppendLine(CultureInfo.InvariantCulture, $"  {trend}");
        return text.ToString();
    }
}
