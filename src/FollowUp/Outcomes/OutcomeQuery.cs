using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using FollowUp.Alerts;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Outcomes;

/// <summary>Which courses an outcomes report covers: a therapist (email), courses ending in a date range, a schedule.</summary>
public sealed record OutcomeFilter(string? TherapistEmail = null, DateOnly? EndedFrom = null, DateOnly? EndedTo = null, string? Schedule = null);

/// <summary>The outcomes of the courses a filter selects (the CLI's <c>report outcomes</c>; the web face calls the same).</summary>
public sealed class OutcomeQuery(NpgsqlDataSource dataSource, IOptions<AlertOptions> options)
{
    public async Task<OutcomeSummary> SummariseAsync(OutcomeFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new
        {
            therapist = filter.TherapistEmail?.Trim(),
            from = filter.EndedFrom,
            to = filter.EndedTo,
            schedule = filter.Schedule?.Trim(),
        };
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Select, parameters, cancellationToken: cancellationToken));
        var courses = rows.GroupBy(r => (r.CourseId, r.PainAtStart, r.PainAtEnd))
            .Select(g => new OutcomeCourse(g.Key.CourseId, g.Key.PainAtStart, g.Key.PainAtEnd,
                g.Where(r => r.OffsetDays is not null).Select(r => new OutcomeFollowUp(r.OffsetDays!.Value, r.Sent, r.Answered, r.Pain, r.Phq2, r.MoodScore)).ToList()))
            .ToList();
        // Courses whose scores retention removed count through what was archived of them (negative ids: no course).
        var archived = await connection.QueryAsync<ArchivedRow>(new CommandDefinition(SelectArchived, parameters, cancellationToken: cancellationToken));
        courses.AddRange(archived.Select(a => new OutcomeCourse(-a.Id, a.PainAtStart, a.PainAtEnd,
            (JsonSerializer.Deserialize<List<ArchivedFollowUp>>(a.FollowUps) ?? [])
                .Select(f => new OutcomeFollowUp(f.OffsetDays, f.Sent, f.Answered, f.Pain, f.Phq2, f.Mood)).ToList())));
        return OutcomeSummaries.Summarise(courses, options.Value);
    }

    private sealed class Row
    {
        public long CourseId { get; init; }
        public int PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
        public int? OffsetDays { get; init; }
        public bool Sent { get; init; }
        public bool Answered { get; init; }
        public int? Pain { get; init; }
        public int? Phq2 { get; init; }
        public int? MoodScore { get; init; }
    }

    private sealed class ArchivedRow
    {
        public long Id { get; init; }
        public int PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
        public string FollowUps { get; init; } = "[]";
    }

    private sealed record ArchivedFollowUp(
        [property: JsonPropertyName("offset_days")] int OffsetDays,
        [property: JsonPropertyName("sent")] bool Sent,
        [property: JsonPropertyName("answered")] bool Answered,
        [property: JsonPropertyName("pain")] int? Pain,
        [property: JsonPropertyName("phq2")] int? Phq2,
        [property: JsonPropertyName("mood")] int? Mood);

    // The archive keeps only the month a course ended: a date range covers the months it touches.
    private const string SelectArchived = """
        SELECT o.id, o.pain_at_start, o.pain_at_end, o.follow_ups::text AS follow_ups
        FROM outcome_archive o
        JOIN therapists t ON t.id = o.therapist_id
        JOIN schedules s ON s.id = o.schedule_id
        WHERE (@therapist::text IS NULL OR lower(t.email) = lower(@therapist))
          AND (@from::date IS NULL OR o.ended_month >= date_trunc('month', @from::date))
          AND (@to::date IS NULL OR o.ended_month <= @to::date)
          AND (@schedule::text IS NULL OR s.name = @schedule)
        ORDER BY o.id
        """;

    // Scheduled follow-ups only (a confirming check-in is an extra question, not a week of the schedule); the latest
    // reply per check-in counts, as in the assessment. Withdrawn courses are left out: they were not followed up.
    private const string Select = """
        SELECT c.id AS course_id, c.pain_at_start, c.pain_at_end, ci.offset_days,
               (ci.sent_at IS NOT NULL) AS sent, (r.id IS NOT NULL) AS answered, r.pain,
               CASE WHEN r.phq2_a IS NOT NULL AND r.phq2_b IS NOT NULL THEN r.phq2_a + r.phq2_b END AS phq2, r.mood_score
        FROM courses c
        JOIN therapists t ON t.id = c.therapist_id
        JOIN schedules s ON s.id = c.schedule_id
        LEFT JOIN check_ins ci ON ci.course_id = c.id AND ci.confirms_check_in_id IS NULL
        LEFT JOIN LATERAL (
            SELECT id, pain, phq2_a, phq2_b, mood_score FROM replies WHERE check_in_id = ci.id ORDER BY received_at DESC, id DESC LIMIT 1) r ON true
        WHERE c.status <> 'withdrawn' AND c.scores_purged_at IS NULL
          AND (@therapist::text IS NULL OR lower(t.email) = lower(@therapist))
          AND (@from::date IS NULL OR c.ended_on >= @from)
          AND (@to::date IS NULL OR c.ended_on <= @to)
          AND (@schedule::text IS NULL OR s.name = @schedule)
        ORDER BY c.id, ci.offset_days
        """;
}
