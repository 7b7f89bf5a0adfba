using System.Data.Common;
using Dapper;
using FollowUp.Audit;
using FollowUp.Schedules;

namespace FollowUp.CheckIns;

/// <summary>
/// The check-in side of a confirmation: one short extra check-in (pain only) a few days after the answer it confirms,
/// moved into the patient's send window, open for a few days, with one reminder of its own inside that time (a patient
/// who misses one email often answers the next). Dispatch sends it and its reminder like any other check-in (its
/// sequence is 1000 + the confirmed one's, so the send log and <c>course show</c> list it beside it).
/// </summary>
internal static class ConfirmingCheckIns
{
    public const int SequenceBase = 1000;

    /// <summary>
    /// Plans the confirming check-in of the answer at <paramref name="offsetDays"/>, once; null when it already exists.
    /// <paramref name="ofConfirming"/>: that answer was itself to a confirming check-in (a pair exactly at the threshold
    /// is asked once more): its sequence is then 1000 + that one's.
    /// </summary>
    public static async Task<long?> PlanAsync(DbConnection connection, DbTransaction transaction, long courseId, long patientId, int offsetDays,
        bool ofConfirming, int afterDays, int openDays, int remindAfterDays, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var target = await connection.QuerySingleOrDefaultAsync<Target>(new CommandDefinition(SelectTarget, new { courseId, offsetDays, ofConfirming }, transaction, cancellationToken: cancellationToken));
        if (target is null) return null;
        var schedule = await ScheduleStore.ByIdAsync(connection, transaction, target.ScheduleId, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(target.TimeZone);
        var due = SendWindow.NextOpening(now.AddDays(afterDays), schedule, zone);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(Insert, new
        {
            courseId,
            sequence = (short)(SequenceBase + target.Sequence),
            offsetDays = offsetDays + afterDays,
            due = due.UtcDateTime,
            expires = due.AddDays(openDays).UtcDateTime,
            confirms = target.Id,
            remind = remindAfterDays > 0 ? (short?)remindAfterDays : null,
        }, transaction, cancellationToken: cancellationToken));
        if (id is { } planned)
            await AuditTrail.WriteAsync(connection, transaction, now, "assessment", "confirming_check_in_planned", courseId, patientId, planned,
                new { confirms = target.Id, due }, cancellationToken);
        return id;
    }

    private sealed class Target
    {
        public long Id { get; init; }
        public short Sequence { get; init; }
        public long ScheduleId { get; init; }
        public string TimeZone { get; init; } = "";
    }

    private const string SelectTarget = """
        SELECT ci.id, ci.sequence, c.schedule_id, p.time_zone
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.course_id = @courseId AND ci.offset_days = @offsetDays AND (ci.confirms_check_in_id IS NOT NULL) = @ofConfirming
        ORDER BY ci.sequence LIMIT 1
        """;

    // Pain only: no PHQ-2 and no mood item, the shortest check-in there is.
    private const string Insert = """
        INSERT INTO check_ins (course_id, sequence, offset_days, due_at, expires_at, asks_phq2, asks_mood, confirms_check_in_id, remind_after_days)
        VALUES (@courseId, @sequence, @offsetDays, @due, @expires, false, false, @confirms, @remind)
        ON CONFLICT DO NOTHING
        RETURNING id
        """;
}
