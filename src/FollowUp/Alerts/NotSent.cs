using System.Data.Common;
using Dapper;

namespace FollowUp.Alerts;

/// <summary>
/// A check-in that could not be built because the schedule's template failed at send time: the email fails (the
/// connection and everyone else's email go on), and the course gets a "not sent" alert, so the therapist hears that
/// this patient's follow-up has a gap and an admin has a schedule to fix, instead of silence.
/// </summary>
internal static class NotSent
{
    public const string Kind = "not_sent";

    public static Task RaiseAsync(DbConnection connection, DbTransaction transaction, long courseId, long scheduleId, string failure,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(Raise, new
        {
            courseId,
            kind = Kind,
            reason = $"A check-in could not be sent: {failure}. A clinic admin must fix schedule {scheduleId} (followup-admin schedule validate {scheduleId})",
            at = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));

    // One open alert per course: a later failure of the same course updates its reason rather than emailing again.
    private const string Raise = """
        INSERT INTO alerts (course_id, kind, severity, reason, raised_at, updated_at)
        VALUES (@courseId, @kind, 'low', @reason, @at, @at)
        ON CONFLICT (course_id, kind) WHERE status = 'open' DO UPDATE SET reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at
        """;
}
