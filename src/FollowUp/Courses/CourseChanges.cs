using Dapper;
using FollowUp.Audit;
using FollowUp.CheckIns;
using FollowUp.Schedules;
using Npgsql;

namespace FollowUp.Courses;

/// <summary>An admin change that does not apply to the course as it is, with the reason.</summary>
public sealed class CourseChangeException(string message) : Exception(message);

/// <summary>What a course change did: the course's status after it, and how many planned emails moved or stopped.</summary>
public sealed record CourseChange(long CourseId, string Status, int Moved, int Cancelled);

/// <summary>
/// Pause, resume, withdraw and re-anchor a course. Each is one transaction with its audit row; sent check-ins are
/// history and never change, only planned ones move or stop.
/// </summary>
public sealed class CourseChanges(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Nothing is sent while paused; planned check-ins keep their dates and go when resumed, unless expired by then.</summary>
    public Task<CourseChange> PauseAsync(long courseId, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(courseId, actor, "course_paused", ["active"], "paused", cancelReason: null, cancellationToken);

    public Task<CourseChange> ResumeAsync(long courseId, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(courseId, actor, "course_resumed", ["paused"], "active", cancelReason: "expired while the course was paused", cancellationToken);

    /// <summary>The patient leaves follow-up: every planned check-in and reminder is cancelled with the reason.</summary>
    public Task<CourseChange> WithdrawAsync(long courseId, string actor, CancellationToken cancellationToken) =>
        ChangeAsync(courseId, actor, "course_withdrawn", ["active", "paused"], "withdrawn", cancelReason: "course withdrawn", cancellationToken);

    /// <summary>The course really ended on another day: planned check-ins move to the new plan; sent ones stay.</summary>
    public async Task<CourseChange> ReanchorAsync(long courseId, DateOnly endedOn, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var course = await LockAsync(connection, transaction, courseId, cancellationToken);
        if (course.Status is not ("active" or "paused"))
            throw new CourseChangeException($"course {courseId} is {course.Status}: only an active or paused course can be re-anchored");
        if (endedOn < course.StartedOn)
            throw new CourseChangeException($"new end {endedOn:yyyy-MM-dd} is before the course's start {course.StartedOn:yyyy-MM-dd}");
        var schedule = await ScheduleStore.ByIdAsync(connection, transaction, course.ScheduleId, cancellationToken);
        var plan = CheckInPlanner.Plan(endedOn, TimeZoneInfo.FindSystemTimeZoneById(course.TimeZone), schedule);
        await connection.ExecuteAsync(new CommandDefinition(SetEndedOn, new { courseId, endedOn }, transaction, cancellationToken: cancellationToken));
        var moved = await CheckInStates.MoveAsync(connection, transaction, courseId, plan, cancellationToken);
        await AuditTrail.WriteAsync(connection, transaction, now, actor, "course_reanchored", courseId, course.PatientId, null,
            new { before = new { endedOn = course.EndedOn }, after = new { endedOn }, moved }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CourseChange(courseId, course.Status, moved, 0);
    }

    private async Task<CourseChange> ChangeAsync(long courseId, string actor, string kind, string[] from, string to, string? cancelReason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var course = await LockAsync(connection, transaction, courseId, cancellationToken);
        if (!from.Contains(course.Status))
            throw new CourseChangeException($"course {courseId} is {course.Status}: only {string.Join(" or ", from)} courses can be {to switch { "active" => "resumed", _ => to }}");
        await connection.ExecuteAsync(new CommandDefinition(SetStatus, new { courseId, status = to }, transaction, cancellationToken: cancellationToken));
        var cancelled = 0;
        if (cancelReason is not null)
        {
            // On resume only what expired meanwhile stops; on withdraw everything still planned does.
            cancelled = await CheckInStates.CancelPlannedAsync(connection, transaction, courseId, cancelReason, to == "active" ? now : null, cancellationToken);
        }
        await AuditTrail.WriteAsync(connection, transaction, now, actor, kind, courseId, course.PatientId, null,
            new { before = new { status = course.Status }, after = new { status = to }, cancelled }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CourseChange(courseId, to, 0, cancelled);
    }

    private static async Task<CourseRow> LockAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, long courseId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<CourseRow>(new CommandDefinition(SelectForUpdate, new { courseId }, transaction, cancellationToken: cancellationToken))
        ?? throw new CourseChangeException($"course {courseId} does not exist");

    private sealed class CourseRow
    {
        public string Status { get; init; } = "";
        public long PatientId { get; init; }
        public long ScheduleId { get; init; }
        public DateOnly StartedOn { get; init; }
        public DateOnly EndedOn { get; init; }
        public string TimeZone { get; init; } = "UTC";
    }

    private const string SelectForUpdate = """
        SELECT c.status, c.patient_id, c.schedule_id, c.started_on, c.ended_on, p.time_zone
        FROM courses c JOIN patients p ON p.id = c.patient_id
        WHERE c.id = @courseId
        FOR UPDATE OF c
        """;

    private const string SetStatus = "UPDATE courses SET status = @status WHERE id = @courseId";

    private const string SetEndedOn = "UPDATE courses SET ended_on = @endedOn WHERE id = @courseId";

}
