using Dapper;
using FollowUp.Audit;
using Npgsql;

namespace FollowUp.Users;

/// <summary>
/// Which courses a signed-in user may see, and the audit row of every look at a patient's data (who saw what, when).
/// A course the user may not see answers exactly like one that does not exist, so nothing says it is there.
/// </summary>
public sealed class CourseAccess(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>The therapist whose courses <paramref name="user"/> sees, or null for everyone's (leads and admins).</summary>
    public static long? Scope(User user) => user.SeesEveryCourse ? null : user.TherapistId ?? -1;

    public async Task<bool> MaySeeCourseAsync(User user, long courseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM courses WHERE id = @courseId AND (@therapistId::bigint IS NULL OR therapist_id = @therapistId))",
            new { courseId, therapistId = Scope(user) }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// An alert the user may see, with its course (null for a crisis alert tied to no course, which only leads and
    /// admins see), or null: no such alert, or not theirs.
    /// </summary>
    public async Task<VisibleAlert?> AlertAsync(User user, long alertId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<VisibleAlert>(new CommandDefinition("""
            SELECT a.id, a.course_id FROM alerts a LEFT JOIN courses c ON c.id = a.course_id
            WHERE a.id = @alertId AND (@therapistId::bigint IS NULL OR c.therapist_id = @therapistId)
            """, new { alertId, therapistId = Scope(user) }, cancellationToken: cancellationToken));
    }

    /// <summary>One audit row for a page that showed a patient's data: the page, and the courses on it.</summary>
    public async Task RecordViewAsync(User user, string page, long? courseId, IReadOnlyList<long>? courses, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AuditTrail.WriteAsync(connection, null, clock.GetUtcNow(), user.Email, "web.viewed", courseId, null, null,
            courses is null ? new { page } : new { page, courses }, cancellationToken);
    }
}

/// <summary>An alert a user may see; <see cref="CourseId"/> is null for a crisis alert tied to no course.</summary>
public sealed record VisibleAlert(long Id, long? CourseId);
