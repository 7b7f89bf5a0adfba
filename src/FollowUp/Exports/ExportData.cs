using Dapper;
using Npgsql;

namespace FollowUp.Exports;

/// <summary>A course with its patient and therapist, as exported.</summary>
public sealed record ExportCourse
{
    public long Id { get; init; }
    public long PatientId { get; init; }
    public string PatientName { get; init; } = "";
    public string PatientEmail { get; init; } = "";
    public string TimeZone { get; init; } = "";
    public string TherapistEmail { get; init; } = "";
    public string? TherapistName { get; init; }
    public DateOnly StartedOn { get; init; }
    public DateOnly EndedOn { get; init; }
    /// <summary>Null once retention removed the course's scores (<see cref="ScoresRemovedAt"/>): never 0.</summary>
    public int? PainAtStart { get; init; }
    public int? PainAtEnd { get; init; }
    public string Status { get; init; } = "";
    public string Schedule { get; init; } = "";
    /// <summary>When retention removed the course's scores (its pain at start and end, its replies), or null.</summary>
    public DateTime? ScoresRemovedAt { get; init; }
}

/// <summary>A check-in (scheduled or confirming), as exported.</summary>
public sealed record ExportCheckIn
{
    public long Id { get; init; }
    public long CourseId { get; init; }
    public int Sequence { get; init; }
    public int OffsetDays { get; init; }
    public DateTime DueAt { get; init; }
    public DateTime? SentAt { get; init; }
    public string Status { get; init; } = "";
    public long? ConfirmsCheckInId { get; init; }
}

/// <summary>A stored reply with what was read from it; the raw text is the patient's own words.</summary>
public sealed record ExportReply
{
    public long Id { get; init; }
    public long CheckInId { get; init; }
    public long CourseId { get; init; }
    public long PatientId { get; init; }
    public DateTime ReceivedAt { get; init; }
    public int? Pain { get; init; }
    public int? MoodScore { get; init; }
    public string? MoodWord { get; init; }
    public int? Phq2A { get; init; }
    public int? Phq2B { get; init; }
    public string? AnswerText { get; init; }
}

/// <summary>An alert, as exported.</summary>
public sealed record ExportAlert
{
    public long Id { get; init; }
    public long CourseId { get; init; }
    public string Kind { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Status { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTime RaisedAt { get; init; }
    public DateTime? AcknowledgedAt { get; init; }
}

/// <summary>Everything an export holds, read in one transaction so the four parts agree with each other.</summary>
public sealed record ExportSet(IReadOnlyList<ExportCourse> Courses, IReadOnlyList<ExportCheckIn> CheckIns, IReadOnlyList<ExportReply> Replies, IReadOnlyList<ExportAlert> Alerts)
{
    /// <summary>The consent history of the exported courses' patients (given, withdrawn, renewed).</summary>
    public IReadOnlyList<DataProtection.ConsentEntry> Consents { get; init; } = [];
}

/// <summary>Reads the clinic's courses, check-ins, replies and alerts for an export (optionally courses that ended in a range).</summary>
public sealed class ExportQuery(NpgsqlDataSource dataSource)
{
    /// <summary>The courses that ended in the range (either end optional), of one therapist (by address) when given.</summary>
    public async Task<ExportSet> ReadAsync(DateOnly? endedFrom, DateOnly? endedTo, CancellationToken cancellationToken, string? therapistEmail = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Repeatable read: one snapshot, so no reply refers to a check-in the export does not hold.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var args = new { from = endedFrom, to = endedTo, therapist = therapistEmail?.Trim() };
        CommandDefinition Command(string sql) => new(sql, args, transaction, cancellationToken: cancellationToken);
        var courses = (await connection.QueryAsync<ExportCourse>(Command(Courses))).ToList();
        var checkIns = (await connection.QueryAsync<ExportCheckIn>(Command(CheckIns))).ToList();
        var replies = (await connection.QueryAsync<ExportReply>(Command(Replies))).ToList();
        var alerts = (await connection.QueryAsync<ExportAlert>(Command(Alerts))).ToList();
        var consents = (await connection.QueryAsync<DataProtection.ConsentEntry>(Command(Consents))).ToList();
        await transaction.CommitAsync(cancellationToken);
        return new ExportSet(courses, checkIns, replies, alerts) { Consents = consents };
    }

    /// <summary>One audit row for an export taken out of FollowUp (the files hold health information): who, which, how many.</summary>
    public async Task RecordAsync(string actor, string format, DateOnly? endedFrom, DateOnly? endedTo, string? therapistEmail, ExportSet set, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Audit.AuditTrail.WriteAsync(connection, null, clock.GetUtcNow(), actor, "export.downloaded", null, null, null, new
        {
            format, ended_from = endedFrom, ended_to = endedTo, therapist = therapistEmail,
            courses = set.Courses.Count, check_ins = set.CheckIns.Count, replies = set.Replies.Count, alerts = set.Alerts.Count,
        }, cancellationToken);
    }

    private const string Selected = """
        SELECT c.id FROM courses c
        WHERE (@from::date IS NULL OR c.ended_on >= @from) AND (@to::date IS NULL OR c.ended_on <= @to)
          AND (@therapist::text IS NULL OR c.therapist_id IN (SELECT t.id FROM therapists t WHERE lower(t.email) = lower(@therapist)))
        """;

    private const string Courses = $"""
        SELECT c.id, c.patient_id, p.name AS patient_name, p.email AS patient_email, p.time_zone, t.email AS therapist_email, t.name AS therapist_name,
               c.started_on, c.ended_on, c.pain_at_start, c.pain_at_end, c.status, s.name AS schedule, c.scores_purged_at AS scores_removed_at
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id JOIN schedules s ON s.id = c.schedule_id
        WHERE c.id IN ({Selected})
        ORDER BY c.id
        """;

    private const string CheckIns = $"""
        SELECT id, course_id, sequence, offset_days, due_at, sent_at, status, confirms_check_in_id
        FROM check_ins WHERE course_id IN ({Selected})
        ORDER BY course_id, due_at, id
        """;

    private const string Replies = $"""
        SELECT r.id, r.check_in_id, ci.course_id, c.patient_id, r.received_at, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.answer_text
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses c ON c.id = ci.course_id
        WHERE ci.course_id IN ({Selected})
        ORDER BY ci.course_id, r.received_at, r.id
        """;

    private const string Consents = $"""
        SELECT {DataProtection.Consents.Columns}
        FROM consents WHERE patient_id IN (SELECT patient_id FROM courses WHERE id IN ({Selected}))
        ORDER BY patient_id, recorded_at, id
        """;

    private const string Alerts = $"""
        SELECT id, course_id, kind, severity, status, reason, raised_at, acknowledged_at
        FROM alerts WHERE course_id IN ({Selected})
        ORDER BY course_id, id
        """;
}
