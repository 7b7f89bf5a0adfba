using Dapper;
using Npgsql;

namespace FollowUp.Courses;

/// <summary>One course in a list, with its follow-up progress.</summary>
internal sealed record CourseSummary
{
    public long Id { get; init; }
    public string Patient { get; init; } = "";
    public string Therapist { get; init; } = "";
    public DateOnly EndedOn { get; init; }
    public string Status { get; init; } = "";
    public int Sent { get; init; }
    public int Answered { get; init; }
    public int OpenAlerts { get; init; }
}

/// <summary>One course in full: the course, each check-in, each reply as read, each alert.</summary>
internal sealed record CourseDetail(CourseDetail.CourseFacts Course, IReadOnlyList<CourseDetail.CheckIn> CheckIns, IReadOnlyList<CourseDetail.Reply> Replies,
    IReadOnlyList<CourseDetail.Alert> Alerts)
{
    internal sealed record CourseFacts
    {
        public long Id { get; init; }
        public string Status { get; init; } = "";
        public string Patient { get; init; } = "";
        public string PatientEmail { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public string Therapist { get; init; } = "";
        public DateOnly StartedOn { get; init; }
        public DateOnly EndedOn { get; init; }
        public int PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
        public DateTime EnrolledAt { get; init; }
    }

    internal sealed record CheckIn
    {
        public int Sequence { get; init; }
        public int OffsetDays { get; init; }
        public DateTime DueAt { get; init; }
        public string Status { get; init; } = "";
        public DateTime? SentAt { get; init; }
        public string? Failure { get; init; }
    }

    /// <summary>
    /// A reply as read: the scores, how much it answered (<see cref="AnswerStatus"/>: complete, partial, unclear), the
    /// patient's own words, and <see cref="ReadAs"/>, the inbox's note of how it was matched and what it could not read.
    /// </summary>
    internal sealed record Reply
    {
        public int Sequence { get; init; }
        public DateTime ReceivedAt { get; init; }
        public string AnswerStatus { get; init; } = "";
        public int? Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
        public int? Phq2A { get; init; }
        public int? Phq2B { get; init; }
        public bool CrisisFlag { get; init; }
        public string AnswerText { get; init; } = "";
        public string? ReadAs { get; init; }
    }

    internal sealed record Alert
    {
        public long Id { get; init; }
        public string Kind { get; init; } = "";
        public string Severity { get; init; } = "";
        public string Status { get; init; } = "";
        public string NotifyStatus { get; init; } = "";
        public string Reason { get; init; } = "";
        public DateTime RaisedAt { get; init; }
    }
}

/// <summary>How many check-ins a course has planned, and when the first is due.</summary>
internal sealed record PlannedCheckIns(long Count, DateTime? FirstDueAt);

/// <summary>Reads courses for the admin tool (and the web face): the list, one course in full, what enrolment planned.</summary>
internal sealed class CourseQuery(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<CourseSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<CourseSummary>(new CommandDefinition(List, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>One course with its check-ins, replies and alerts (one round trip), or null when there is no such course.</summary>
    public async Task<CourseDetail?> ShowAsync(long courseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(Show, new { courseId }, cancellationToken: cancellationToken));
        var course = await results.ReadSingleOrDefaultAsync<CourseDetail.CourseFacts>();
        var checkIns = (await results.ReadAsync<CourseDetail.CheckIn>()).ToList();
        var replies = (await results.ReadAsync<CourseDetail.Reply>()).ToList();
        var alerts = (await results.ReadAsync<CourseDetail.Alert>()).ToList();
        return course is null ? null : new CourseDetail(course, checkIns, replies, alerts);
    }

    public async Task<PlannedCheckIns> PlannedAsync(long courseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<PlannedCheckIns>(new CommandDefinition(Planned, new { courseId }, cancellationToken: cancellationToken));
    }

    private const string List = """
        SELECT c.id, p.name AS patient, t.email AS therapist, c.ended_on, c.status,
               (SELECT count(*) FROM check_ins ci WHERE ci.course_id = c.id AND ci.status IN ('sent', 'answered'))::int AS sent,
               (SELECT count(*) FROM check_ins ci WHERE ci.course_id = c.id AND ci.status = 'answered')::int AS answered,
               (SELECT count(*) FROM alerts a WHERE a.course_id = c.id AND a.status = 'open')::int AS open_alerts
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
        ORDER BY c.id
        """;

    // The reply's own words are health information: the admin tool shows them to the clinic's admins, who may see
    // the record; logs and alert emails never carry them.
    private const string Show = """
        SELECT c.id, c.status, p.name AS patient, p.email AS patient_email, p.time_zone,
               COALESCE(t.name || ' <' || t.email || '>', t.email) AS therapist,
               c.started_on, c.ended_on, c.pain_at_start, c.pain_at_end, c.enrolled_at
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
        WHERE c.id = @courseId;
        SELECT sequence, offset_days, due_at, status, sent_at, failure FROM check_ins WHERE course_id = @courseId ORDER BY sequence;
        SELECT ci.sequence, r.received_at, r.answer_status, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.crisis_flag,
               r.answer_text, m.detail AS read_as
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id LEFT JOIN inbound_messages m ON m.id = r.inbound_message_id
        WHERE ci.course_id = @courseId ORDER BY r.received_at;
        SELECT id, kind, severity, status, notify_status, reason, raised_at FROM alerts WHERE course_id = @courseId ORDER BY raised_at
        """;

    private const string Planned = """
        SELECT count(*) AS count, min(due_at) AS first_due_at FROM check_ins WHERE course_id = @courseId
        """;
}
