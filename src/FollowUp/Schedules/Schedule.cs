using System.Globalization;

namespace FollowUp.Schedules;

/// <summary>One check-in of a schedule: so many days after the course ends, and what it asks besides pain.</summary>
public sealed record ScheduleItem(int OffsetDays, bool AsksPhq2, bool AsksMood);

/// <summary>A schedule's own templates in one language; a null one is the built-in text of that language.</summary>
public sealed record ScheduleTemplates(string? Subject, string? Text, string? Html)
{
    internal IEnumerable<(string What, string? Source)> Each() =>
        [("subject template", Subject), ("text template", Text), ("HTML template", Html)];
}

/// <summary>
/// A named follow-up schedule, as an admin defines it: the check-ins, the send window in the patient's own local
/// time, quiet days, reminders, expiry, and optionally the email templates (null: the built-in text).
/// </summary>
public sealed record Schedule
{
    /// <summary>About three months: the follow-up the design brief asks for. Longer is refused.</summary>
    public const int MaxOffsetDays = 92;
    public const string DefaultName = "default";

    public long Id { get; init; }
    public required string Name { get; init; }
    public TimeOnly WindowStart { get; init; } = new(9, 0);
    public TimeOnly WindowEnd { get; init; } = new(19, 0);
    public IReadOnlyList<DayOfWeek> QuietDays { get; init; } = [];
    /// <summary>
    /// Reminders of an unanswered check-in, every <see cref="ReminderSpacingDays"/> days; one by default: a patient who
    /// missed one email often answers the next, and each missed check-in is a reading the alert rule never sees.
    /// </summary>
    public int ReminderCount { get; init; } = 1;
    public int ReminderSpacingDays { get; init; } = 3;
    /// <summary>Days a check-in stays open; null: until the next one is due (the last: the gap before it).</summary>
    public int? ExpiryDays { get; init; }
    /// <summary>Leave the therapist's name out of patients' emails.</summary>
    public bool MinimalPhi { get; init; }
    public required IReadOnlyList<ScheduleItem> Items { get; init; }
    public string? SubjectTemplate { get; init; }
    public string? TextTemplate { get; init; }
    public string? HtmlTemplate { get; init; }
    /// <summary>
    /// The same templates in further languages, by code. The templates above are in the clinic's language
    /// (FollowUp:Clinic:Language); a patient whose language has no entry here gets those (Templates.LanguageFor).
    /// </summary>
    public IReadOnlyDictionary<string, ScheduleTemplates> Translations { get; init; } = new Dictionary<string, ScheduleTemplates>();

    /// <summary>Whether the schedule has templates of its own in the clinic's language (else every language gets its built-in text).</summary>
    public bool HasOwnTemplates => SubjectTemplate is not null || TextTemplate is not null || HtmlTemplate is not null;

    /// <summary>The design brief's clinical default: weeks 1, 2, 4, 6, 8 and 12, PHQ-2 at weeks 2, 4, 8 and 12.</summary>
    public static Schedule Default { get; } = new()
    {
        Id = 1,
        Name = DefaultName,
        Items = [new(7, false, true), new(14, true, true), new(28, true, true), new(42, false, true), new(56, true, true), new(84, true, true)],
    };

    /// <summary>Every problem with this schedule, each naming what to change; empty when it may be saved.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100 || Name.Any(char.IsControl))
            problems.Add("name must be 1-100 characters without control characters");
        if (WindowStart >= WindowEnd)
            problems.Add($"send window start {WindowStart:HH\\:mm} must be before its end {WindowEnd:HH\\:mm}");
        else if (WindowEnd - WindowStart < TimeSpan.FromHours(1))
            problems.Add("send window must be at least one hour long");
        if (QuietDays.Distinct().Count() >= 7) problems.Add("quiet days cover the whole week: nothing could ever be sent");
        if (ReminderCount is < 0 or > 3) problems.Add($"reminder count must be 0-3 (was {ReminderCount})");
        if (ReminderSpacingDays is < 1 or > 14) problems.Add($"reminder spacing must be 1-14 days (was {ReminderSpacingDays})");
        if (ExpiryDays is < 1 or > MaxOffsetDays) problems.Add($"expiry must be 1-{MaxOffsetDays} days (was {ExpiryDays})");
        if (Items.Count == 0) problems.Add("a schedule needs at least one check-in");
        if (Items.Count > 20) problems.Add($"a schedule has at most 20 check-ins (had {Items.Count})");
        for (var i = 0; i < Items.Count; i++)
        {
            var offset = Items[i].OffsetDays;
            var where = string.Create(CultureInfo.InvariantCulture, $"check-in {i + 1}");
            if (offset < 1) problems.Add($"{where}: offset must be at least 1 day after the course ends (was {offset})");
            else if (offset > MaxOffsetDays)
                problems.Add($"{where}: offset {offset} days is longer than {MaxOffsetDays} days (about three months), the follow-up period this clinic uses; split long follow-up into a new course");
            if (i > 0 && offset <= Items[i - 1].OffsetDays)
                problems.Add($"{where}: offset {offset} days must be later than the check-in before it ({Items[i - 1].OffsetDays} days)");
        }
        return problems;
    }

    /// <summary>The day after the course's end at which a check-in of this schedule closes.</summary>
    internal int ExpiryOffset(int index)
    {
        var offset = Items[index].OffsetDays;
        if (ExpiryDays is { } days) return offset + days;
        if (index + 1 < Items.Count) return Items[index + 1].OffsetDays;
        return offset + (index > 0 ? offset - Items[index - 1].OffsetDays : 14);
    }
}
