using System.Data.Common;
using Dapper;

namespace FollowUp.Alerts;

/// <summary>
/// The low notices the sending side raises (<see cref="NotSent"/>, <see cref="Unreachable"/>): no answer is assessed,
/// the therapist only hears that a course's follow-up has a gap. The rule they share lives here: one open notice of a
/// kind per course, so a repeated failure never emails the therapist again.
/// </summary>
internal static class Notices
{
    /// <summary>What a repeat does to the course's open notice of the kind.</summary>
    public enum OnRepeat
    {
        /// <summary>The first reason stands (the first refusal is the one that stopped the follow-up).</summary>
        KeepFirst,
        /// <summary>The latest reason replaces it (the admin fixes what fails now).</summary>
        Refresh,
    }

    /// <summary>A low <paramref name="kind"/> notice on one course.</summary>
    public static Task RaiseAsync(DbConnection connection, DbTransaction? transaction, long courseId, string kind, string reason, OnRepeat repeat,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        RaiseAsync(connection, transaction, courseId, null, kind, reason, repeat, now, cancellationToken);

    /// <summary>A low <paramref name="kind"/> notice on each active course of the patient.</summary>
    public static Task RaiseForPatientAsync(DbConnection connection, DbTransaction? transaction, long patientId, string kind, string reason, OnRepeat repeat,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        RaiseAsync(connection, transaction, null, patientId, kind, reason, repeat, now, cancellationToken);

    private static Task<int> RaiseAsync(DbConnection connection, DbTransaction? transaction, long? courseId, long? patientId, string kind, string reason,
        OnRepeat repeat, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Raise, new
        {
            courseId,
            patientId,
            kind,
            reason,
            refresh = repeat == OnRepeat.Refresh,
            at = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));

    // The partial unique index (course_id, kind) WHERE status = 'open' is the rule's guard; the WHERE of DO UPDATE
    // makes KeepFirst a DO NOTHING.
    private const string Raise = """
        INSERT INTO alerts (course_id, kind, severity, reason, raised_at, updated_at)
        SELECT c.id, @kind, 'low', @reason, @at, @at FROM courses c
        WHERE c.id = @courseId OR (c.patient_id = @patientId AND c.status = 'active')
        ON CONFLICT (course_id, kind) WHERE status = 'open'
        DO UPDATE SET reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at WHERE @refresh
        """;
}
