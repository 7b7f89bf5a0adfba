using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace FollowUp.Audit;

/// <summary>
/// Writes the append-only audit trail inside the caller's transaction, so a change and its record commit or roll
/// back together.
/// </summary>
internal static class AuditTrail
{
    /// <summary>One audit row; <paramref name="detail"/> is stored as JSON (before/after for admin changes).</summary>
    public static Task WriteAsync(DbConnection connection, DbTransaction? transaction, DateTimeOffset at, string actor, string kind,
        long? courseId, long? patientId, long? subjectId, object? detail, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            at = at.UtcDateTime,
            actor,
            kind,
            courseId,
            patientId,
            subjectId,
            detail = JsonSerializer.Serialize(detail ?? new { }),
        }, transaction, cancellationToken: cancellationToken));

    private const string Insert = """
        INSERT INTO audit_log (at, actor, kind, course_id, patient_id, subject_id, detail)
        VALUES (@at, @actor, @kind, @courseId, @patientId, @subjectId, @detail::jsonb)
        """;
}
