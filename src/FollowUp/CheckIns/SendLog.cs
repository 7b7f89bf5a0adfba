using Dapper;
using FollowUp.Audit;
using FollowUp.Mail;
using FollowUp.Schedules;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.CheckIns;

/// <summary>One check-in or reminder in the send log. <see cref="Id"/> is "c12" for a check-in, "r5" for a reminder.</summary>
public sealed class SendLogEntry
{
    public string Id { get; init; } = "";
    public long CheckInId { get; init; }
    public long CourseId { get; init; }
    public long PatientId { get; init; }
    public string Patient { get; init; } = "";
    public string TimeZone { get; init; } = "UTC";
    public string Kind { get; init; } = "";
    public int Sequence { get; init; }
    public int Reminder { get; init; }
    public int OffsetDays { get; init; }
    public DateTime DueAt { get; init; }
    public DateTime? SentAt { get; init; }
    public string Status { get; init; } = "";
    public string? Failure { get; init; }
    public string? MessageId { get; init; }
    public long TherapistId { get; init; }
    public string Therapist { get; init; } = "";
}

/// <summary>
/// Which send-log rows to read (every filter optional): a course, a patient by id or by words of their name or address,
/// a therapist, a status, and a range of days in the patient's time (an email matches when it was due or sent on one).
/// </summary>
public sealed record SendLogFilter(long? CourseId = null, long? PatientId = null, DateOnly? From = null, DateOnly? To = null,
    string? Status = null, long? TherapistId = null, string? Patient = null, int Limit = int.MaxValue);

/// <summary>What one course would receive: each email, when in the patient's time, and its text as it would render now.</summary>
public sealed record CoursePreview(long CourseId, string Patient, string TimeZone, string Schedule, IReadOnlyList<PreviewEmail> Emails);

public sealed record PreviewEmail(SendLogEntry Entry, DateTimeOffset LocalDueAt, string Subject, string Text);

/// <summary>A send-log operation that does not apply, with the reason.</summary>
public sealed class SendLogException(string message) : Exception(message);

/// <summary>The send log: every check-in and reminder with its status and reason; per-message cancel; preview of a course.</summary>
public sealed class SendLog(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<ClinicOptions> clinic, IOptions<PatientPagesOptions> pages,
    IOptions<Languages.ClinicLanguageOptions> clinicLanguage, ReplyToken tokens)
{
    /// <summary>Filtered by course, patient, and/or the patient's local date of the due or sent instant.</summary>
    public Task<IReadOnlyList<SendLogEntry>> ListAsync(long? courseId, long? patientId, DateOnly? date, CancellationToken cancellationToken) =>
        ListAsync(new SendLogFilter(courseId, patientId, date, date), cancellationToken);

    /// <summary>The statuses a send-log row can have, for a filter to offer.</summary>
    public static IReadOnlyList<string> Statuses { get; } = Enum.GetValues<SendStatus>().Select(s => s.Sql()).ToList();

    public async Task<IReadOnlyList<SendLogEntry>> ListAsync(SendLogFilter filter, CancellationToken cancellationToken)
    {
        if (filter.Status is { } status && !Statuses.Contains(status))
            throw new SendLogException($"status '{status}' is not one of {string.Join(", ", Statuses)}");
        if (filter.From is { } from && filter.To is { } to && from > to) throw new SendLogException($"the range starts ({from:yyyy-MM-dd}) after it ends ({to:yyyy-MM-dd})");
        var patient = string.IsNullOrWhiteSpace(filter.Patient) ? null
            : "%" + filter.Patient.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<SendLogEntry>(new CommandDefinition(List + Ordered + " LIMIT @limit", new
        {
            courseId = filter.CourseId, patientId = filter.PatientId, from = filter.From, to = filter.To, status = filter.Status,
            therapistId = filter.TherapistId, patient, limit = filter.Limit,
        }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Cancels one planned email (a check-in's planned reminders go with it), with an audit row.</summary>
    public async Task<SendLogEntry> CancelAsync(string id, string actor, CancellationToken cancellationToken)
    {
        var (kind, number) = ParseId(id);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var entry = (await connection.QueryAsync<SendLogEntry>(new CommandDefinition(List + " AND s.id = @id", Unfiltered(new { id = id.ToLowerInvariant() }), transaction, cancellationToken: cancellationToken)))
            .SingleOrDefault() ?? throw new SendLogException($"{id}: no such check-in or reminder (see 'followup-admin send list')");
        if (CheckInStates.Parse(entry.Status) != SendStatus.Planned) throw new SendLogException($"{id} is {entry.Status}: only a planned email can be cancelled");
        var reason = $"cancelled by {actor}";
        if (!await CheckInStates.CancelOneAsync(connection, transaction, kind, number, reason, cancellationToken))
            throw new SendLogException($"{id} is being sent right now and can no longer be cancelled");
        await AuditTrail.WriteAsync(connection, transaction, clock.GetUtcNow(), actor, kind.AuditKind("cancelled"),
            entry.CourseId, entry.PatientId, number, new { id = entry.Id, reason }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entry;
    }

    /// <summary>What the course would receive, in the patient's language or in <paramref name="language"/> (an admin checking a translation).</summary>
    public async Task<CoursePreview> PreviewAsync(long courseId, CancellationToken cancellationToken, string? language = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var course = await connection.QuerySingleOrDefaultAsync<PreviewCourse>(new CommandDefinition(SelectCourse, new { courseId }, cancellationToken: cancellationToken))
            ?? throw new SendLogException($"course {courseId} does not exist");
        var schedule = await ScheduleStore.ByIdAsync(connection, null, course.ScheduleId, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(course.TimeZone);
        var entries = (await connection.QueryAsync<SendLogEntry>(new CommandDefinition(List + Ordered, Unfiltered(new { courseId = (long?)courseId }), cancellationToken: cancellationToken))).ToList();
        var phq2 = (await connection.QueryAsync<(short Sequence, bool AsksPhq2, bool AsksMood)>(new CommandDefinition(
            "SELECT sequence, asks_phq2, asks_mood FROM check_ins WHERE course_id = @courseId", new { courseId }, cancellationToken: cancellationToken))).ToDictionary(r => (int)r.Sequence);
        var emails = entries.Select(e =>
        {
            var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(e.SentAt ?? e.DueAt, TimeSpan.Zero), zone);
            var item = new CheckInToSend
            {
                CheckInId = e.CheckInId,
                Kind = e.Kind switch
                {
                    "clarification" => OutgoingKind.Clarification, "reminder" => OutgoingKind.Reminder,
                    "stop_confirmation" => OutgoingKind.StopConfirmation, _ => OutgoingKind.CheckIn,
                },
                ReminderNumber = e.Reminder,
                Sequence = e.Sequence,
                OffsetDays = e.OffsetDays,
                AsksPhq2 = phq2.GetValueOrDefault(e.Sequence).AsksPhq2,
                AsksMood = phq2.GetValueOrDefault(e.Sequence).AsksMood,
                PatientName = course.PatientName,
                PatientEmail = course.PatientEmail,
                TherapistName = course.TherapistName,
                TimeZone = course.TimeZone,
                Language = language ?? course.Language,
                EndedOn = course.EndedOn,
            };
            var message = CheckInDispatch.Build(item, schedule, clinic.Value, clinicLanguage.Value.Code, tokens, local, pages.Value.PublicUrl);
            return new PreviewEmail(e, local, message.Subject ?? "", message.TextBody ?? "");
        }).ToList();
        return new CoursePreview(courseId, course.PatientName, course.TimeZone, schedule.Name, emails);
    }

    /// <summary>The arguments of <see cref="List"/> with no filter but those given (Dapper takes a dictionary of them).</summary>
    private static DynamicParameters Unfiltered(object given)
    {
        var args = new DynamicParameters(new { courseId = (long?)null, patientId = (long?)null, from = (DateOnly?)null, to = (DateOnly?)null,
            status = (string?)null, therapistId = (long?)null, patient = (string?)null });
        args.AddDynamicParams(given);
        return args;
    }

    private static (OutgoingKind Kind, long Number) ParseId(string id)
    {
        var kind = id.Length > 1 ? char.ToLowerInvariant(id[0]) : ' ';
        if (kind is 'c' or 'r' && long.TryParse(id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            return (kind == 'c' ? OutgoingKind.CheckIn : OutgoingKind.Reminder, number);
        throw new SendLogException($"'{id}' is not a send-log id; use c<number> for a check-in or r<number> for a reminder, as 'send list' shows them");
    }

    private sealed class PreviewCourse
    {
        public long ScheduleId { get; init; }
        public string PatientName { get; init; } = "";
        public string PatientEmail { get; init; } = "";
        public string TimeZone { get; init; } = "UTC";
        public string? Language { get; init; }
        public DateOnly EndedOn { get; init; }
        public string? TherapistName { get; init; }
    }

    private const string SelectCourse = """
        SELECT c.schedule_id, p.name AS patient_name, p.email AS patient_email, p.time_zone, p.language, c.ended_on, t.name AS therapist_name
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
        WHERE c.id = @courseId
        """;

    private const string Ordered = " ORDER BY s.course_id, s.due_at, s.id";

    private const string List = """
        SELECT s.* FROM (
            SELECT 'c' || ci.id AS id, ci.id AS check_in_id, ci.course_id, c.patient_id, p.name AS patient, p.email AS patient_email, p.time_zone,
                   CASE WHEN ci.confirms_check_in_id IS NULL THEN 'check-in' ELSE 'confirming' END AS kind,
                   ci.sequence, 0 AS reminder, ci.offset_days, ci.due_at, ci.sent_at, ci.status, ci.failure, ci.message_id,
                   c.therapist_id, COALESCE(t.name, t.email) AS therapist
            FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
            UNION ALL
            SELECT 'r' || r.id, ci.id, ci.course_id, c.patient_id, p.name, p.email, p.time_zone, r.kind,
                   ci.sequence, r.number, ci.offset_days, r.due_at, r.sent_at, r.status, r.failure, r.message_id,
                   c.therapist_id, COALESCE(t.name, t.email)
            FROM reminders r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses c ON c.id = ci.course_id
            JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id) s
        WHERE (@courseId::bigint IS NULL OR s.course_id = @courseId)
          AND (@patientId::bigint IS NULL OR s.patient_id = @patientId)
          AND (@therapistId::bigint IS NULL OR s.therapist_id = @therapistId)
          AND (@status::text IS NULL OR s.status = @status)
          AND (@patient::text IS NULL OR s.patient ILIKE @patient OR s.patient_email ILIKE @patient)
          AND ((@from::date IS NULL AND @to::date IS NULL)
               OR ((s.due_at AT TIME ZONE s.time_zone)::date BETWEEN COALESCE(@from::date, '-infinity'::date) AND COALESCE(@to::date, 'infinity'::date))
               OR ((s.sent_at AT TIME ZONE s.time_zone)::date BETWEEN COALESCE(@from::date, '-infinity'::date) AND COALESCE(@to::date, 'infinity'::date)))
        """;
}
