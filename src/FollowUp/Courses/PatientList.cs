using Dapper;

namespace FollowUp.Courses;

/// <summary>One row of a therapist's patient list: the course, its open alerts, the last answer, whether the patient stopped.</summary>
public sealed record PatientRow
{
    public long Id { get; init; }
    public string Patient { get; init; } = "";
    public string Therapist { get; init; } = "";
    public DateOnly EndedOn { get; init; }
    public string Status { get; init; } = "";
    public int OpenAlerts { get; init; }
    /// <summary>The most severe open alert's severity (high, normal, low), or null.</summary>
    public string? TopSeverity { get; init; }
    public int? LastPain { get; init; }
    public DateTime? LastAnswerAt { get; init; }
    /// <summary>Retention removed the course's scores and replies: its last answer is gone, not never given.</summary>
    public bool ScoresRemoved { get; init; }
    /// <summary>Opted out, or the disengagement rule found no answer to the last check-ins (an open disengaged alert).</summary>
    public bool StoppedAnswering { get; init; }
}

/// <summary>One page of <see cref="PatientRow"/>s and how many rows there are in all.</summary>
public sealed record PatientPage(IReadOnlyList<PatientRow> Rows, long Total);

/// <summary>A therapist's patient list (the web face's first page): its own file, as it is the one query ranked and paged.</summary>
public sealed partial class CourseQuery
{
    /// <summary>
    /// The courses of one therapist (or, with null, of the clinic), open alerts first (most severe first), then the most
    /// recently ended; one page of <paramref name="limit"/> rows from <paramref name="offset"/>.
    /// </summary>
    public async Task<PatientPage> PatientsAsync(long? therapistId, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(Patients, new { therapistId, offset, limit }, cancellationToken: cancellationToken));
        var rows = (await results.ReadAsync<PatientRow>()).ToList();
        return new PatientPage(rows, await results.ReadSingleAsync<long>());
    }

    // alerts_open_idx and replies_check_in_idx make each row's lateral look-ups index scans; the page is sorted on
    // the open alerts' rank, so the whole scope is ranked once (a therapist's few thousand courses).
    internal const string Patients = """
        SELECT c.id, p.name AS patient, t.email AS therapist, c.ended_on, c.status,
               COALESCE(a.open_alerts, 0) AS open_alerts,
               a.top_severity,
               lr.pain AS last_pain, lr.received_at AS last_answer_at, c.scores_purged_at IS NOT NULL AS scores_removed,
               (p.opted_out_at IS NOT NULL OR COALESCE(a.disengaged, false)) AS stopped_answering
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
        LEFT JOIN LATERAL (
            SELECT count(*)::int AS open_alerts, max(alert_severity_rank(severity)) AS top_rank,
                   (array_agg(severity ORDER BY alert_severity_rank(severity) DESC))[1] AS top_severity, bool_or(kind = 'disengaged') AS disengaged
            FROM alerts WHERE course_id = c.id AND status = 'open') a ON true
        LEFT JOIN LATERAL (
            SELECT r.pain, r.received_at FROM check_ins ci JOIN replies r ON r.check_in_id = ci.id
            WHERE ci.course_id = c.id ORDER BY r.received_at DESC, r.id DESC LIMIT 1) lr ON true
        WHERE @therapistId::bigint IS NULL OR c.therapist_id = @therapistId
        ORDER BY COALESCE(a.top_rank, 0) DESC, c.ended_on DESC, c.id DESC
        LIMIT @limit OFFSET @offset;
        SELECT count(*) FROM courses WHERE @therapistId::bigint IS NULL OR therapist_id = @therapistId
        """;
}
