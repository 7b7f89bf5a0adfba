using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;

namespace FollowUp.Alerts;

/// <summary>Re-evaluates a course after each stored answer and raises or updates its alert, in the caller's transaction.</summary>
public sealed class Assessment(TimeProvider clock, ILogger<Assessment> logger)
{
    internal async Task<Finding?> AssessAsync(DbConnection connection, DbTransaction transaction, long courseId, CancellationToken cancellationToken)
    {
        var course = await connection.QuerySingleAsync<CourseScores>(new CommandDefinition(
            "SELECT pain_at_start, pain_at_end FROM courses WHERE id = @courseId", new { courseId }, transaction, cancellationToken: cancellationToken));
        var readings = (await connection.QueryAsync<ReadingRow>(new CommandDefinition(Readings, new { courseId }, transaction, cancellationToken: cancellationToken)))
            .Select(r => new PainReading(r.OffsetDays, r.Pain, r.MoodScore, r.MoodWord)).ToList();
        var finding = LateWorseningRule.Evaluate(course.PainAtStart, course.PainAtEnd, readings);
        if (finding is null) return null;
        var alertId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(RaiseOrUpdate, new
        {
            courseId,
            kind = finding.Kind,
            severity = finding.Severity,
            reason = finding.Reason,
            offsetDays = finding.Reading.OffsetDays,
            now = clock.GetUtcNow().UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));
        Log.AlertRaised(logger, alertId, courseId, finding.Kind, finding.Severity);
        Operations.FollowUpMetrics.AlertRaised(finding.Kind, finding.Severity);
        return finding;
    }

    private sealed class CourseScores
    {
        public int PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
    }

    private sealed class ReadingRow
    {
        public int OffsetDays { get; init; }
        public int Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
    }

    // The latest reply per check-in counts (a second reply corrects the first).
    private const string Readings = """
        SELECT DISTINCT ON (ci.id) ci.offset_days, r.pain, r.mood_score, r.mood_word
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id
        WHERE ci.course_id = @courseId AND r.pain IS NOT NULL
        ORDER BY ci.id, r.received_at DESC, r.id DESC
        """;

    // One open alert per course and kind. A newer reading updates it; if it becomes high severity the therapist
    // is told again, otherwise the open alert already in their inbox stands.
    private const string RaiseOrUpdate = """
        INSERT INTO alerts (course_id, kind, severity, reason, check_in_id, raised_at)
        VALUES (@courseId, @kind, @severity, @reason,
                (SELECT id FROM check_ins WHERE course_id = @courseId AND offset_days = @offsetDays ORDER BY sequence LIMIT 1), @now)
        ON CONFLICT (course_id, kind) WHERE status = 'open' DO UPDATE
        SET reason = EXCLUDED.reason, check_in_id = EXCLUDED.check_in_id, severity = EXCLUDED.severity,
            notify_status = CASE WHEN EXCLUDED.severity = 'high' AND alerts.severity <> 'high' THEN 'pending'
                                 ELSE alerts.notify_status END
        RETURNING id
        """;
}
