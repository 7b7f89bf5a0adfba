using System.Globalization;
using FollowUp.Schedules;

namespace FollowUp.Web.Pages.Admin.Schedules;

/// <summary>
/// The schedule form as posted. It is turned into the same <see cref="ScheduleDraft"/> a schedule file is read into,
/// so the form and <c>schedule set --file</c> are read by the same code with the same messages.
/// </summary>
public sealed class ScheduleForm
{
    /// <summary>Empty rows below the check-ins, to add some without script.</summary>
    public const int SpareRows = 3;

    public string? Name { get; set; }
    /// <summary>The name the schedule had when the form was opened (empty for a new one).</summary>
    public string? Editing { get; set; }
    public string? WindowStart { get; set; }
    public string? WindowEnd { get; set; }
    public List<string> QuietDays { get; set; } = [];
    public int ReminderCount { get; set; }
    public int ReminderSpacingDays { get; set; } = 3;
    public string? ExpiryDays { get; set; }
    public bool MinimalPhi { get; set; }
    public List<CheckInRow> CheckIns { get; set; } = [];
    public List<LanguageTemplates> Languages { get; set; } = [];

    public sealed class CheckInRow
    {
        public string? Offset { get; set; }
        public string Unit { get; set; } = "weeks";
        public bool Phq2 { get; set; }
        public bool Mood { get; set; }
    }

    public sealed class LanguageTemplates
    {
        public string Code { get; set; } = "";
        public string? Subject { get; set; }
        public string? Text { get; set; }
        public string? Html { get; set; }
    }

    public static ScheduleForm Of(Schedule schedule, string editing, string clinicLanguage)
    {
        var form = new ScheduleForm
        {
            Name = schedule.Name, Editing = editing,
            WindowStart = schedule.WindowStart.ToString("HH:mm", CultureInfo.InvariantCulture), WindowEnd = schedule.WindowEnd.ToString("HH:mm", CultureInfo.InvariantCulture),
            QuietDays = schedule.QuietDays.Select(d => d.ToString()).ToList(),
            ReminderCount = schedule.ReminderCount, ReminderSpacingDays = schedule.ReminderSpacingDays,
            ExpiryDays = schedule.ExpiryDays?.ToString(CultureInfo.InvariantCulture), MinimalPhi = schedule.MinimalPhi,
            CheckIns = schedule.Items.Select(i => new CheckInRow
            {
                Offset = (i.OffsetDays % 7 == 0 ? i.OffsetDays / 7 : i.OffsetDays).ToString(CultureInfo.InvariantCulture),
                Unit = i.OffsetDays % 7 == 0 ? "weeks" : "days", Phq2 = i.AsksPhq2, Mood = i.AsksMood,
            }).ToList(),
        };
        foreach (var code in Ordered(clinicLanguage))
        {
            var own = code == clinicLanguage ? new ScheduleTemplates(schedule.SubjectTemplate, schedule.TextTemplate, schedule.HtmlTemplate)
                : schedule.Translations.GetValueOrDefault(code);
            form.Languages.Add(new LanguageTemplates { Code = code, Subject = own?.Subject, Text = own?.Text, Html = own?.Html });
        }
        return form;
    }

    /// <summary>The clinic's language first, then the others.</summary>
    public static IEnumerable<string> Ordered(string clinicLanguage) =>
        [clinicLanguage, .. global::FollowUp.Languages.PatientLanguage.Codes.Where(c => c != clinicLanguage)];

    /// <summary>The schedule the form describes, or null with every problem of the form's own fields and of the draft added.</summary>
    public Schedule? ToSchedule(string clinicLanguage, List<string> problems)
    {
        var draft = new ScheduleDraft
        {
            Name = Name?.Trim(),
            Window = new ScheduleDraft.DraftWindow { Start = WindowStart, End = WindowEnd },
            QuietDays = QuietDays,
            Reminders = new ScheduleDraft.DraftReminders { Count = ReminderCount, SpacingDays = ReminderSpacingDays },
            MinimalPhi = MinimalPhi,
            CheckIns = [],
            Translations = [],
        };
        if (ExpiryDays is { Length: > 0 } expiry)
        {
            if (int.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var days)) draft.ExpiryDays = days;
            else problems.Add($"expiry '{expiry}' is not a whole number of days");
        }
        var number = 0;
        foreach (var row in CheckIns.Where(r => !string.IsNullOrWhiteSpace(r.Offset)))
        {
            number++;
            if (!int.TryParse(row.Offset, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset))
                problems.Add(FormattableString.Invariant($"check-in {number}: '{row.Offset}' is not a whole number of {row.Unit}"));
            else draft.CheckIns.Add(row.Unit == "days"
                ? new ScheduleDraft.DraftCheckIn { Days = offset, Phq2 = row.Phq2, Mood = row.Mood }
                : new ScheduleDraft.DraftCheckIn { Weeks = offset, Phq2 = row.Phq2, Mood = row.Mood });
        }
        foreach (var language in Languages)
        {
            var set = new ScheduleDraft.DraftTemplates { Subject = Clean(language.Subject), Text = Clean(language.Text), Html = Clean(language.Html) };
            if (language.Code == clinicLanguage) draft.Templates = set;
            else if (set.Subject is not null || set.Text is not null || set.Html is not null) draft.Translations[language.Code] = set;
        }
        if (problems.Count > 0) return null;
        try
        {
            return draft.ToSchedule();
        }
        catch (ScheduleException e)
        {
            problems.AddRange(e.Problems);
            return null;
        }
    }

    // A browser sends a textarea's lines with CR LF; the templates are stored with LF as a file gives them.
    private static string? Clean(string? template) =>
        string.IsNullOrWhiteSpace(template) ? null : template.Replace("\r\n", "\n", StringComparison.Ordinal);
}
