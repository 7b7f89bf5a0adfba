using System.Data.Common;

namespace FollowUp.Alerts;

/// <summary>
/// A check-in that could not be built because the schedule's template failed at send time: the email fails (the
/// connection and everyone else's email go on), and the course gets a "not sent" alert, so the therapist hears that
/// this patient's follow-up has a gap and an admin has a schedule to fix, instead of silence.
/// </summary>
internal static class NotSent
{
    public const string Kind = "not_sent";

    // A later failure of the same course updates the reason of its open alert rather than emailing again.
    public static Task RaiseAsync(DbConnection connection, DbTransaction transaction, long courseId, long scheduleId, string failure,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        Notices.RaiseAsync(connection, transaction, courseId, Kind,
            $"A check-in could not be sent: {failure}. A clinic admin must fix schedule {scheduleId} (followup-admin schedule validate {scheduleId})",
            Notices.OnRepeat.Refresh, now, cancellationToken);
}
