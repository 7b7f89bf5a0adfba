using System.Data.Common;
using Dapper;

namespace FollowUp.Replies;

/// <summary>
/// Every change the inbox makes to a check-in's (and its patient's) state, each a named call in the caller's
/// transaction, so the states a reply can cause are read in one place.
/// </summary>
internal static class CheckInChanges
{
    /// <summary>
    /// A clear answer: the check-in is answered, and the patient's address evidently works (delays no longer count).
    /// A statement to run in the same round trip as the reply it follows (parameters @checkInId, @patientId).
    /// </summary>
    public const string MarkAnswered = """
        UPDATE check_ins SET status = 'answered' WHERE id = @checkInId AND status IN ('sent', 'sending', 'planned');
        UPDATE patients SET soft_bounces = 0 WHERE id = @patientId AND soft_bounces <> 0
        """;

    /// <summary>STOP ends every email to this patient at once: all their planned check-ins are cancelled. Returns how many.</summary>
    public static Task<int> OptOutAsync(DbConnection connection, DbTransaction transaction, long patientId, DateTime now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            WITH patient AS (
                UPDATE patients SET opted_out_at = COALESCE(opted_out_at, @now) WHERE id = @patientId RETURNING id)
            UPDATE check_ins ci SET status = 'cancelled', failure = 'patient opted out'
            FROM courses c, patient
            WHERE c.id = ci.course_id AND c.patient_id = patient.id AND ci.status IN ('planned', 'sending')
            """, new { patientId, now }, transaction, cancellationToken: cancellationToken));

    /// <summary>The patient is away: the check-in's reminders wait until <paramref name="until"/> (never earlier than already noted).</summary>
    public static Task NoteOutOfOfficeAsync(DbConnection connection, DbTransaction transaction, long checkInId, DateTime until, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE check_ins SET out_of_office_until = GREATEST(COALESCE(out_of_office_until, @until), @until) WHERE id = @checkInId
            """, new { checkInId, until }, transaction, cancellationToken: cancellationToken));

    /// <summary>The mail server gave up on the check-in: a sent check-in becomes failed, with the report's words.</summary>
    public static Task MarkBouncedAsync(DbConnection connection, DbTransaction transaction, long checkInId, string reason, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("""
            UPDATE check_ins SET status = 'failed', failure = @reason WHERE id = @checkInId AND status = 'sent'
            """, new { checkInId, reason }, transaction, cancellationToken: cancellationToken));

    /// <summary>One more delayed delivery in a row for this patient; returns how many there are now.</summary>
    public static Task<int> CountDelayAsync(DbConnection connection, DbTransaction transaction, long patientId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            UPDATE patients SET soft_bounces = soft_bounces + 1 WHERE id = @patientId RETURNING soft_bounces
            """, new { patientId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Claims the check-in's one clarification, ever; false when it was claimed before.</summary>
    public static async Task<bool> ClaimClarificationAsync(DbConnection connection, DbTransaction transaction, long checkInId, DateTime now, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            UPDATE check_ins SET clarification_sent_at = @now WHERE id = @checkInId AND clarification_sent_at IS NULL RETURNING id
            """, new { checkInId, now }, transaction, cancellationToken: cancellationToken)) is not null;
}
