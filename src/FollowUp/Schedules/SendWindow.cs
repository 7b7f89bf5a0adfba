namespace FollowUp.Schedules;

/// <summary>
/// Window arithmetic in the patient's own zone. Pure: no clock, no I/O. Daylight saving is handled by working in
/// wall-clock times and converting each candidate to an instant once: a skipped hour moves on by the gap, a repeated
/// hour is taken at its first occurrence, so a due check-in always happens exactly once and inside the window.
/// </summary>
internal static class SendWindow
{
    /// <summary>The first instant at or after <paramref name="at"/> inside the window on a day that is not quiet.</summary>
    public static DateTimeOffset NextOpening(DateTimeOffset at, Schedule schedule, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        // Eight days always reach an open day: validation refuses a schedule that is quiet all week.
        for (var day = 0; day < 8; day++, date = date.AddDays(1))
        {
            if (schedule.QuietDays.Contains(date.DayOfWeek)) continue;
            var opens = ToInstant(date, schedule.WindowStart, zone);
            var closes = ToInstant(date, schedule.WindowEnd, zone);
            if (at < opens) return opens;
            if (at < closes) return at;
        }
        throw new InvalidOperationException($"Schedule '{schedule.Name}' has no open day in the week.");
    }

    /// <summary>Whether <paramref name="at"/> may be sent at now: inside the window, on a day that is not quiet.</summary>
    public static bool IsOpen(DateTimeOffset at, Schedule schedule, TimeZoneInfo zone) => NextOpening(at, schedule, zone) == at;

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
            return new DateTimeOffset(local, zone.GetUtcOffset(before)).ToUniversalTime();
        }
        if (zone.IsAmbiguousTime(local))
        {
            var earliest = zone.GetAmbiguousTimeOffsets(local).Max(); // the larger offset is the earlier instant
            return new DateTimeOffset(local, earliest).ToUniversalTime();
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
