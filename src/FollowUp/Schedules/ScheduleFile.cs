using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FollowUp.Schedules;

/// <summary>
/// The file an admin writes to create or change a schedule (JSON; the format is in docs/operations.md, "Schedules"). Reading it
/// reports the first syntax error with line and column; the rules are then checked by <see cref="Schedule.Problems"/>.
/// </summary>
public static class ScheduleFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The schedule in the file, or the reasons it cannot be read (syntax, unknown keys, bad values).</summary>
    public static Schedule Parse(string json)
    {
        FileSchedule file;
        try
        {
            file = JsonSerializer.Deserialize<FileSchedule>(json, Json) ?? throw new ScheduleException(["the file is empty"]);
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, column {e.BytePositionInLine + 1}: ") : "";
            throw new ScheduleException([$"{at}{e.Message.Split(" Path:")[0]}"]);
        }
        var problems = new List<string>();
        var items = new List<ScheduleItem>();
        foreach (var (item, index) in (file.CheckIns ?? []).Select((c, i) => (c, i + 1)))
        {
            if ((item.Days is null) == (item.Weeks is null)) problems.Add($"check-in {index}: give either \"days\" or \"weeks\"");
            else items.Add(new ScheduleItem(item.Days ?? item.Weeks!.Value * 7, item.Phq2, item.Mood));
        }
        var quiet = new List<DayOfWeek>();
        foreach (var day in file.QuietDays ?? [])
        {
            if (Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var parsed) && !int.TryParse(day, out _)) quiet.Add(parsed);
            else problems.Add($"quiet day '{day}' is not a day of the week (Monday … Sunday)");
        }
        var translations = new Dictionary<string, ScheduleTemplates>(StringComparer.Ordinal);
        foreach (var (name, templates) in file.Translations ?? [])
        {
            // "de", "de-AT" or "German": stored by its code, so each language has one entry.
            if (Languages.PatientLanguage.Parse(name) is not { } code) problems.Add(Languages.PatientLanguage.Problem("translations:", name));
            else if (!translations.TryAdd(code, new ScheduleTemplates(templates.Subject, templates.Text, templates.Html)))
                problems.Add($"translations: '{name}' is {code} again; give each language once");
        }
        var start = Time(file.Window?.Start, "09:00", "window start", problems);
        var end = Time(file.Window?.End, "19:00", "window end", problems);
        if (problems.Count > 0) throw new ScheduleException(problems);
        return new Schedule
        {
            Name = file.Name ?? "",
            WindowStart = start,
            WindowEnd = end,
            QuietDays = quiet,
            ReminderCount = file.Reminders?.Count ?? 0,
            ReminderSpacingDays = file.Reminders?.SpacingDays ?? 3,
            ExpiryDays = file.ExpiryDays,
            MinimalPhi = file.MinimalPhi,
            Items = items,
            SubjectTemplate = file.Templates?.Subject,
            TextTemplate = file.Templates?.Text,
            HtmlTemplate = file.Templates?.Html,
            Translations = translations,
        };
    }

    /// <summary>The schedule as a file an admin can edit and give back to <c>schedule set</c>.</summary>
    public static string Write(Schedule schedule) => JsonSerializer.Serialize(new FileSchedule
    {
        Name = schedule.Name,
        Window = new FileWindow { Start = schedule.WindowStart.ToString("HH:mm", CultureInfo.InvariantCulture), End = schedule.WindowEnd.ToString("HH:mm", CultureInfo.InvariantCulture) },
        QuietDays = schedule.QuietDays.Select(d => d.ToString()).ToList(),
        Reminders = new FileReminders { Count = schedule.ReminderCount, SpacingDays = schedule.ReminderSpacingDays },
        ExpiryDays = schedule.ExpiryDays,
        MinimalPhi = schedule.MinimalPhi,
        CheckIns = schedule.Items.Select(i => i.OffsetDays % 7 == 0
            ? new FileCheckIn { Weeks = i.OffsetDays / 7, Phq2 = i.AsksPhq2, Mood = i.AsksMood }
            : new FileCheckIn { Days = i.OffsetDays, Phq2 = i.AsksPhq2, Mood = i.AsksMood }).ToList(),
        Templates = schedule.SubjectTemplate is null && schedule.TextTemplate is null && schedule.HtmlTemplate is null ? null
            : new FileTemplates { Subject = schedule.SubjectTemplate, Text = schedule.TextTemplate, Html = schedule.HtmlTemplate },
        Translations = schedule.Translations.Count == 0 ? null
            : schedule.Translations.OrderBy(t => t.Key, StringComparer.Ordinal)
                .ToDictionary(t => t.Key, t => new FileTemplates { Subject = t.Value.Subject, Text = t.Value.Text, Html = t.Value.Html }),
    }, Json);

    private static TimeOnly Time(string? value, string fallback, string what, List<string> problems)
    {
        if (TimeOnly.TryParseExact(value ?? fallback, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        problems.Add($"{what} '{value}' is not a time; use HH:mm, e.g. 09:00");
        return default;
    }

    private sealed class FileSchedule
    {
        public string? Name { get; set; }
        public FileWindow? Window { get; set; }
        public List<string>? QuietDays { get; set; }
        public FileReminders? Reminders { get; set; }
        public int? ExpiryDays { get; set; }
        public bool MinimalPhi { get; set; }
        public List<FileCheckIn>? CheckIns { get; set; }
        public FileTemplates? Templates { get; set; }
        /// <summary>The templates in further languages, by code; <see cref="Templates"/> are in the clinic's language.</summary>
        public Dictionary<string, FileTemplates>? Translations { get; set; }
    }

    private sealed class FileWindow
    {
        public string? Start { get; set; }
        public string? End { get; set; }
    }

    private sealed class FileReminders
    {
        public int Count { get; set; }
        public int SpacingDays { get; set; } = 3;
    }

    private sealed class FileCheckIn
    {
        public int? Days { get; set; }
        public int? Weeks { get; set; }
        public bool Phq2 { get; set; }
        public bool Mood { get; set; } = true;
    }

    private sealed class FileTemplates
    {
        public string? Subject { get; set; }
        public string? Text { get; set; }
        public string? Html { get; set; }
    }
}
