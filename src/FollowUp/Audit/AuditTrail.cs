using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace FollowUp.Audit;

/// <summary>
/// Writes the append-only audit trail inside the caller's transaction, so a change and its record commit or roll
/// back together.
/// </summary>
public static class AuditTrail
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

    /// <summary>
    /// The head of every audit row's INSERT, for a statement that writes its audit row in the same round trip as the
    /// change it records (the inbox, once per message); the values follow in this order, detail as jsonb.
    /// </summary>
    internal const string InsertInto = "INSERT INTO audit_log (at, actor, kind, course_id, patient_id, subject_id, detail)";

    private const string Insert = $"""
        {InsertInto}
        VALUES (@at, @actor, @kind, @courseId, @patientId, @subjectId, @detail::jsonb)
        """;
}
