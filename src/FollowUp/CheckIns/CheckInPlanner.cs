namespace FollowUp.CheckIns;

/// <summary>A check-in to send: the n-th, so many days after the course ended, due at an instant (UTC).</summary>
public sealed record PlannedCheckIn(int Sequence, int OffsetDays, DateTimeOffset DueAt);

/// <summary>
/// Turns a course's end date into check-in instants in the patient's own morning. Pure: no clock, no I/O.
/// </summary>
public static class CheckInPlanner
{
    /// <summary>Follow-up lasts three months: the last default check-in is at week 12.</summary>
    public const int FollowUpDays = 12 * 7;

    /// <summary>Weeks 1, 2, 4, 6, 8 and 12 after the course ends (design brief, "Clinical defaults").</summary>
    public static readonly IReadOnlyList<int> DefaultSchedule = [7, 14, 28, 42, 56, 84];

    /// <summary>The local time a check-in goes out: mid-morning, after the school run, before work gets busy.</summary>
    public static readonly TimeOnly MorningSendTime = new(9, 30);

    public static IReadOnlyList<PlannedCheckIn> Plan(DateOnly courseEndedOn, TimeZoneInfo patientZone, IReadOnlyList<int> offsetDays) =>
        offsetDays.Select((offset, index) =>
            new PlannedCheckIn(index + 1, offset, ToInstant(courseEndedOn.AddDays(offset), MorningSendTime, patientZone))).ToList();

    /// <summary>
    /// The instant of a local date and time in a zone. A time that the zone skips (spring forward) moves on by the
    /// gap; a time it repeats (fall back) is taken at its first occurrence, so it still happens exactly once.
    /// </summary>
    public static DateTimeOffset ToInstant(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Read the skipped wall time with the offset in force just before the gap: 02:30 in a 02:00-03:00
            // spring-forward gap becomes 03:30, the moment it "would have been" (NodaTime's lenient resolver).
            var before = local;
            while (zone.IsInvalidTime(before)) before = before.AddMinutes(-1);
            return new DateTimeOffset(local, zone.GetUtcOffset(before));
        }
        if (zone.IsAmbiguousTime(local))
        {
            var earliest = zone.GetAmbiguousTimeOffsets(local).Max(); // the larger offset is the earlier instant
            return new DateTimeOffset(local, earliest);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
