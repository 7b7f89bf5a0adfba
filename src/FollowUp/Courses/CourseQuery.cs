using Dapper;
using Npgsql;

namespace FollowUp.Courses;

/// <summary>A course found by its patient's name or address, with what an admin needs to act on it.</summary>
public sealed record FoundCourse
{
    public long Id { get; init; }
    public string Patient { get; init; } = "";
    public string PatientEmail { get; init; } = "";
    public string Therapist { get; init; } = "";
    public DateOnly StartedOn { get; init; }
    public DateOnly EndedOn { get; init; }
    public string Status { get; init; } = "";
    public int Planned { get; init; }
    public int Sent { get; init; }
}

/// <summary>One course in a list, with its follow-up progress.</summary>
public sealed record CourseSummary
{
    public long Id { get; init; }
    public string Patient { get; init; } = "";
    /// <summary>The language the patient's emails are written in (the clinic's when never set).</summary>
    public string Language { get; init; } = "";
    public string Therapist { get; init; } = "";
    public DateOnly EndedOn { get; init; }
    public string Status { get; init; } = "";
    public int Sent { get; init; }
    public int Answered { get; init; }
    public int OpenAlerts { get; init; }
}

/// <summary>One course in full: the course, each check-in, each reply as read, each alert.</summary>
public sealed record CourseDetail(CourseDetail.CourseFacts Course, IReadOnlyList<CourseDetail.CheckIn> CheckIns, IReadOnlyList<CourseDetail.Reply> Replies,
    IReadOnlyList<CourseDetail.Alert> Alerts)
{
    /// <summary>Replies kept with their check-ins for the therapist, not applied (<see cref="KeptReply"/>).</summary>
    public IReadOnlyList<KeptReply> Kept { get; init; } = [];

    /// <summary>The patient's consent history (given, withdrawn, renewed), oldest first.</summary>
    public IReadOnlyList<DataProtection.ConsentEntry> Consents { get; init; } = [];

    /// <summary>
    /// A reply kept with its check-in and not applied: <c>unverified</c> (the clinic's server did not verify the sender)
    /// or <c>held</c> (a withdrawn course, or long after the check-in expired). <see cref="Reason"/> says which;
    /// <see cref="SenderAuthentication"/> how the sender was authenticated; <see cref="Decision"/> what the therapist
    /// decided (applied, dismissed; null while it waits): <c>followup-admin reply apply|dismiss ID</c>.
    /// </summary>
    public sealed record KeptReply
    {
        public long Id { get; init; }
        public int Sequence { get; init; }
        public DateTime ReceivedAt { get; init; }
        public string Outcome { get; init; } = "";
        public string? FromAddress { get; init; }
        public string SenderAuthentication { get; init; } = "";
        public string? Reason { get; init; }
        public string? Text { get; init; }
        public string? Decision { get; init; }
        public string? DecidedBy { get; init; }
        public DateTime? DecidedAt { get; init; }
    }

    public sealed record CourseFacts
    {
        public long Id { get; init; }
        public string Status { get; init; } = "";
        public string Patient { get; init; } = "";
        public string PatientEmail { get; init; } = "";
        /// <summary>The clinic's own identifier of the patient (record number, MRN), when it gave one.</summary>
        public string? PatientClinicId { get; init; }
        public string TimeZone { get; init; } = "";
        /// <summary>The language every email to the patient is written in.</summary>
        public string Language { get; init; } = "";
        /// <summary>The patient was enrolled before languages were asked: <see cref="Language"/> is the clinic's, and follows it.</summary>
        public bool LanguageIsClinics { get; init; }
        public string Therapist { get; init; } = "";
        public DateOnly StartedOn { get; init; }
        public DateOnly EndedOn { get; init; }
        public int PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
        public DateTime EnrolledAt { get; init; }
    }

    public sealed record CheckIn
    {
        public int Sequence { get; init; }
        public int OffsetDays { get; init; }
        public DateTime DueAt { get; init; }
        public string Status { get; init; } = "";
        public DateTime? SentAt { get; init; }
        public string? Failure { get; init; }
        /// <summary>A confirming check-in (pain only, asked after a reading first crossed an alert threshold).</summary>
        public bool Confirming { get; init; }
        /// <summary>
        /// What a replied check-in still waits for (pain, phq2_a, phq2_b): its reply left these unread, so it is not
        /// answered yet and its one clarification asks for them. Null when nobody replied or everything was read.
        /// </summary>
        public string[]? Awaiting { get; init; }
    }

    /// <summary>
    /// A reply as read: the scores, how much it answered (<see cref="AnswerStatus"/>: complete, partial, unclear), the
    /// patient's own words, and <see cref="ReadAs"/>, the inbox's note of how it was matched and what it could not read.
    /// </summary>
    public sealed record Reply
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

    public sealed record Alert
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
public sealed record PlannedCheckIns(long Count, DateTime? FirstDueAt);

/// <summary>Reads courses for the admin tool (and the web face): the list, one course in full, what enrolment planned.</summary>
public sealed partial class CourseQuery(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<Languages.ClinicLanguageOptions> clinicLanguage)
{
    /// <summary>For a clinic whose language is English.</summary>
    public CourseQuery(NpgsqlDataSource dataSource) : this(dataSource, Microsoft.Extensions.Options.Options.Create(new Languages.ClinicLanguageOptions())) { }

    public async Task<IReadOnlyList<CourseSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<CourseSummary>(new CommandDefinition(List, new { clinicLanguage = clinicLanguage.Value.Code }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// Courses whose patient's name or address contains <paramref name="text"/> (any case; % and _ are themselves),
    /// newest first, at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<FoundCourse>> SearchAsync(string text, int limit, CancellationToken cancellationToken)
    {
        var pattern = "%" + text.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<FoundCourse>(new CommandDefinition("""
            SELECT c.id, p.name AS patient, p.email AS patient_email, COALESCE(t.name, t.email) AS therapist, c.started_on, c.ended_on, c.status,
                   (SELECT count(*) FROM check_ins ci WHERE ci.course_id = c.id AND ci.status = 'planned')::int AS planned,
                   (SELECT count(*) FROM check_ins ci WHERE ci.course_id = c.id AND ci.status IN ('sent', 'answered'))::int AS sent
            FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
            WHERE p.name ILIKE @pattern OR p.email ILIKE @pattern
            ORDER BY c.id DESC
            LIMIT @limit
            """, new { pattern, limit }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>One course with its check-ins, replies and alerts (one round trip), or null when there is no such course.</summary>
    public async Task<CourseDetail?> ShowAsync(long courseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var detail = await ShowAsync(connection, courseId, cancellationToken);
        return detail is null ? null
            : detail with { Consents = await DataProtection.Consents.OfCoursePatientAsync(connection, courseId, cancellationToken) };
    }

    private async Task<CourseDetail?> ShowAsync(NpgsqlConnection connection, long courseId, CancellationToken cancellationToken)
    {
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(Show, new { courseId, clinicLanguage = clinicLanguage.Value.Code }, cancellationToken: cancellationToken));
        var course = await results.ReadSingleOrDefaultAsync<CourseDetail.CourseFacts>();
        var checkIns = (await results.ReadAsync<CourseDetail.CheckIn>()).ToList();
        var replies = (await results.ReadAsync<CourseDetail.Reply>()).ToList();
        var alerts = (await results.ReadAsync<CourseDetail.Alert>()).ToList();
        var kept = (await results.ReadAsync<KeptRow>())
            .Select(k => new CourseDetail.KeptReply
            {
                Id = k.Id, Sequence = k.Sequence, ReceivedAt = k.ReceivedAt, Outcome = k.Outcome, FromAddress = k.FromAddress,
                SenderAuthentication = Replies.SenderProofs.Describe(k.SenderProof), Reason = k.Detail, Text = k.BodyText,
                Decision = k.Decision, DecidedBy = k.DecidedBy, DecidedAt = k.DecidedAt,
            }).ToList();
        return course is null ? null : new CourseDetail(course, checkIns, replies, alerts) { Kept = kept };
    }

    public async Task<PlannedCheckIns> PlannedAsync(long courseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<PlannedCheckIns>(new CommandDefinition(Planned, new { courseId }, cancellationToken: cancellationToken));
    }

    private const string List = """
        SELECT c.id, p.name AS patient, COALESCE(p.language, @clinicLanguage) AS language, t.email AS therapist, c.ended_on, c.status,
               (SELECT count(*) FROM check_ins ci WHERE ci.course_id = c.id AND ci.status IN ('sent', 'answered'))::int AS sent,
               (SELECT count(*) FROM check_ins ci WHERE ci.course_id = c.id AND ci.status = 'answered')::int AS answered,
               (SELECT count(*) FROM alerts a WHERE a.course_id = c.id AND a.status = 'open')::int AS open_alerts
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
        ORDER BY c.id
        """;

    // The reply's own words are health information: the admin tool shows them to the clinic's admins, who may see
    // the record; logs and alert emails never carry them.
    private const string Show = """
        SELECT c.id, c.status, p.name AS patient, p.email AS patient_email, p.clinic_id AS patient_clinic_id, p.time_zone,
               COALESCE(p.language, @clinicLanguage) AS language, p.language IS NULL AS language_is_clinics,
               COALESCE(t.name || ' <' || t.email || '>', t.email) AS therapist,
               c.started_on, c.ended_on, c.pain_at_start, c.pain_at_end, c.enrolled_at
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
        WHERE c.id = @courseId;
        SELECT sequence, offset_days, due_at, status, sent_at, failure, confirms_check_in_id IS NOT NULL AS confirming, awaiting
        FROM check_ins WHERE course_id = @courseId ORDER BY due_at, sequence;
        SELECT ci.sequence, r.received_at, r.answer_status, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.crisis_flag,
               r.answer_text, m.detail AS read_as
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id LEFT JOIN inbound_messages m ON m.id = r.inbound_message_id
        WHERE ci.course_id = @courseId ORDER BY r.received_at;
        SELECT id, kind, severity, status, notify_status, reason, raised_at FROM alerts WHERE course_id = @courseId ORDER BY raised_at;
        SELECT m.id, ci.sequence, m.received_at, m.outcome, m.from_address, m.sender_proof, m.detail, m.body_text, m.decision, m.decided_by, m.decided_at
        FROM inbound_messages m JOIN check_ins ci ON ci.id = m.check_in_id
        WHERE ci.course_id = @courseId AND m.outcome IN ('unverified', 'held') ORDER BY m.received_at, m.id
        """;

    private sealed class KeptRow
    {
        public long Id { get; init; }
        public int Sequence { get; init; }
        public DateTime ReceivedAt { get; init; }
        public string Outcome { get; init; } = "";
        public string? FromAddress { get; init; }
        public string? SenderProof { get; init; }
        public string? Detail { get; init; }
        public string? BodyText { get; init; }
        public string? Decision { get; init; }
        public string? DecidedBy { get; init; }
        public DateTime? DecidedAt { get; init; }
    }

    private const string Planned = """
        SELECT count(*) AS count, min(due_at) AS first_due_at FROM check_ins WHERE course_id = @courseId
        """;
}
