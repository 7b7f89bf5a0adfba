using FollowUp.Schedules;

namespace FollowUp.CheckIns;

/// <summary>
/// A check-in to send: the n-th, so many days after the course ended, due at an instant (UTC) inside the patient's
/// window, open for answers (and reminders) until it expires.
/// </summary>
internal sealed record PlannedCheckIn(int Sequence, int OffsetDays, DateTimeOffset DueAt, DateTimeOffset ExpiresAt, bool AsksPhq2, bool AsksMood);

/// <summary>
/// Turns a course's end date and its schedule into check-in instants in the patient's own window. Pure: no clock, no I/O.
/// </summary>
internal static class CheckInPlanner
{
    /// <summary>The longest follow-up any schedule may have: enrolments ending earlier than this are refused.</summary>
    public const int FollowUpDays = Schedule.MaxOffsetDays;

    /// <summary>
    /// Each check-in is due when the window opens on its day (or the next day that is not quiet); it expires at the
    /// opening of its expiry day, so the next check-in never overlaps an open one.
    /// </summary>
    public static IReadOnlyList<PlannedCheckIn> Plan(DateOnly courseEndedOn, TimeZoneInfo patientZone, Schedule schedule) =>
        schedule.Items.Select((item, index) => new PlannedCheckIn(
            index + 1,
            item.OffsetDays,
            OpeningOn(courseEndedOn.AddDays(item.OffsetDays), patientZone, schedule),
            OpeningOn(courseEndedOn.AddDays(schedule.ExpiryOffset(index)), patientZone, schedule),
            item.AsksPhq2,
            item.AsksMood)).ToList();

    /// <summary>
    /// When the reminders of a check-in sent at <paramref name="sentAt"/> go: every so many days, each moved into the
    /// window, none at or after the check-in's expiry.
    /// </summary>
    /// <paramref name="ownAfterDays"/>: the check-in's own single reminder (a confirming check-in) instead of the schedule's.
    public static IReadOnlyList<DateTimeOffset> Reminders(DateTimeOffset sentAt, DateTimeOffset expiresAt, TimeZoneInfo patientZone, Schedule schedule,
        int? ownAfterDays = null)
    {
        var reminders = new List<DateTimeOffset>();
        var (count, spacing) = ownAfterDays is { } own ? (1, own) : (schedule.ReminderCount, schedule.ReminderSpacingDays);
        for (var n = 1; n <= count; n++)
        {
            var at = SendWindow.NextOpening(sentAt.AddDays(n * spacing), schedule, patientZone);
            if (at >= expiresAt) break;
            reminders.Add(at);
        }
        return reminders;
    }

    private static DateTimeOffset OpeningOn(DateOnly date, TimeZoneInfo zone, Schedule schedule) =>
        SendWindow.NextOpening(SendWindow.ToInstant(date, schedule.WindowStart, zone), schedule, zone);
}
