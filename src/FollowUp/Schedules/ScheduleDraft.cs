using System.Globalization;

namespace FollowUp.Schedules;

/// <summary>
/// A schedule as an admin writes it, before any rule is checked: the file <c>schedule set</c> reads
/// (<see cref="ScheduleFile"/>, JSON, camelCase) and the web's schedule form bind to it, so both are read by the one
/// <see cref="ToSchedule"/> with the same messages.
/// </summary>
public sealed class ScheduleDraft
{
    public string? Name { get; set; }
    public DraftWindow? Window { get; set; }
    public List<string>? QuietDays { get; set; }
    public DraftReminders? Reminders { get; set; }
    public int? ExpiryDays { get; set; }
    public bool MinimalPhi { get; set; }
    public List<DraftCheckIn>? CheckIns { get; set; }
    public DraftTemplates? Templates { get; set; }
    /// <summary>The templates in further languages, by code; <see cref="Templates"/> are in the clinic's language.</summary>
    public Dictionary<string, DraftTemplates>? Translations { get; set; }

    public sealed class DraftWindow
    {
        public string? Start { get; set; }
        public string? End { get; set; }
    }

    public sealed class DraftReminders
    {
        public int Count { get; set; }
        public int SpacingDays { get; set; } = 3;
    }

    public sealed class DraftCheckIn
    {
        public int? Days { get; set; }
        public int? Weeks { get; set; }
        public bool Phq2 { get; set; }
        public bool Mood { get; set; } = true;
    }

    public sealed class DraftTemplates
    {
        public string? Subject { get; set; }
        public string? Text { get; set; }
        public string? Html { get; set; }
    }

    /// <summary>The schedule written down, or the reasons it cannot be read (bad values); its rules are then <see cref="ScheduleStore.Problems"/>.</summary>
    public Schedule ToSchedule()
    {
        var problems = new List<string>();
        var items = new List<ScheduleItem>();
        foreach (var (item, index) in (CheckIns ?? []).Select((c, i) => (c, i + 1)))
        {
            if ((item.Days is null) == (item.Weeks is null)) problems.Add($"check-in {index}: give either \"days\" or \"weeks\"");
            else items.Add(new ScheduleItem(item.Days ?? item.Weeks!.Value * 7, item.Phq2, item.Mood));
        }
        var quiet = new List<DayOfWeek>();
        foreach (var day in QuietDays ?? [])
        {
            if (Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var parsed) && !int.TryParse(day, out _)) quiet.Add(parsed);
            else problems.Add($"quiet day '{day}' is not a day of the week (Monday … Sunday)");
        }
        var translations = new Dictionary<string, ScheduleTemplates>(StringComparer.Ordinal);
        foreach (var (name, templates) in Translations ?? [])
        {
            // "de", "de-AT" or "German": stored by its code, so each language has one entry.
            if (Languages.PatientLanguage.Parse(name) is not { } code) problems.Add(Languages.PatientLanguage.Problem("translations:", name));
            else if (!translations.TryAdd(code, new ScheduleTemplates(templates.Subject, templates.Text, templates.Html)))
                problems.Add($"translations: '{name}' is {code} again; give each language once");
        }
        var start = Time(Window?.Start, "09:00", "window start", problems);
        var end = Time(Window?.End, "19:00", "window end", problems);
        if (problems.Count > 0) throw new ScheduleException(problems);
        return new Schedule
        {
            Name = Name ?? "",
            WindowStart = start,
            WindowEnd = end,
            QuietDays = quiet,
            ReminderCount = Reminders?.Count ?? 0,
            ReminderSpacingDays = Reminders?.SpacingDays ?? 3,
            ExpiryDays = ExpiryDays,
            MinimalPhi = MinimalPhi,
            Items = items,
            SubjectTemplate = Templates?.Subject,
            TextTemplate = Templates?.Text,
            HtmlTemplate = Templates?.Html,
            Translations = translations,
        };
    }

    /// <summary>The schedule as an admin would write it again (weeks where the offset is whole weeks).</summary>
    public static ScheduleDraft Of(Schedule schedule) => new()
    {
        Name = schedule.Name,
        Window = new DraftWindow { Start = schedule.WindowStart.ToString("HH:mm", CultureInfo.InvariantCulture), End = schedule.WindowEnd.ToString("HH:mm", CultureInfo.InvariantCulture) },
        QuietDays = schedule.QuietDays.Select(d => d.ToString()).ToList(),
        Reminders = new DraftReminders { Count = schedule.ReminderCount, SpacingDays = schedule.ReminderSpacingDays },
        ExpiryDays = schedule.ExpiryDays,
        MinimalPhi = schedule.MinimalPhi,
        CheckIns = schedule.Items.Select(i => i.OffsetDays % 7 == 0
            ? new DraftCheckIn { Weeks = i.OffsetDays / 7, Phq2 = i.AsksPhq2, Mood = i.AsksMood }
            : new DraftCheckIn { Days = i.OffsetDays, Phq2 = i.AsksPhq2, Mood = i.AsksMood }).ToList(),
        Templates = schedule.SubjectTemplate is null && schedule.TextTemplate is null && schedule.HtmlTemplate is null ? null
            : new DraftTemplates { Subject = schedule.SubjectTemplate, Text = schedule.TextTemplate, Html = schedule.HtmlTemplate },
        Translations = schedule.Translations.Count == 0 ? null
            : schedule.Translations.OrderBy(t => t.Key, StringComparer.Ordinal)
                .ToDictionary(t => t.Key, t => new DraftTemplates { Subject = t.Value.Subject, Text = t.Value.Text, Html = t.Value.Html }),
    };

    private static TimeOnly Time(string? value, string fallback, string what, List<string> problems)
    {
        if (TimeOnly.TryParseExact(value ?? fallback, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        problems.Add($"{what} '{value}' is not a time; use HH:mm, e.g. 09:00");
        return default;
    }
}
