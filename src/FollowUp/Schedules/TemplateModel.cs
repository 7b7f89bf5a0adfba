using FollowUp.Languages;

namespace FollowUp.Schedules;

/// <summary>What a check-in email's templates may use: the only names they may mention.</summary>
public sealed record TemplateModel
{
    public required string PatientName { get; init; }
    /// <summary>Empty under a minimal-PHI schedule.</summary>
    public required string TherapistName { get; init; }
    public required string ClinicName { get; init; }
    /// <summary>"one week", "2 Wochen", "10 jours": how long since the course ended, in the email's language.</summary>
    public required string Since { get; init; }
    /// <summary>The course's last day as the email's language writes a date ("5 November 2026", "5. November 2026").</summary>
    public string EndedOn { get; init; } = "";
    public required int OffsetDays { get; init; }
    public required bool AsksPhq2 { get; init; }
    public required bool AsksMood { get; init; }
    public required bool IsReminder { get; init; }
    public required int ReminderNumber { get; init; }
    /// <summary>The questions as plain lines, composed by FollowUp from the check-in's items (not editable: they are the instrument).</summary>
    public required IReadOnlyList<string> QuestionLines { get; init; }

    internal static TemplateModel Sample => SampleIn("en");

    /// <summary>A sample check-in (two weeks after the course, with PHQ-2) written in <paramref name="language"/>.</summary>
    internal static TemplateModel SampleIn(string language) => new()
    {
        PatientName = "Dana Example",
        TherapistName = "Sam Taylor",
        ClinicName = "Example Clinic",
        Since = Wording.For(language).SinceCourse(14),
        EndedOn = Wording.For(language).Date(new DateOnly(2026, 11, 5)),
        OffsetDays = 14,
        AsksPhq2 = true,
        AsksMood = true,
        IsReminder = false,
        ReminderNumber = 0,
        QuestionLines = Questions.Lines(asksPhq2: true, asksMood: true, language),
    };

    internal Dictionary<string, object> ToValues() => new()
    {
        ["patient_name"] = PatientName,
        ["therapist_name"] = TherapistName,
        ["clinic_name"] = ClinicName,
        ["since"] = Since,
        ["ended_on"] = EndedOn,
        ["offset_days"] = OffsetDays,
        ["asks_phq2"] = AsksPhq2,
        ["asks_mood"] = AsksMood,
        ["is_reminder"] = IsReminder,
        ["reminder_number"] = ReminderNumber,
        ["questions"] = string.Join("\n", QuestionLines),
        ["question_lines"] = QuestionLines.ToArray(),
    };

    internal static readonly IReadOnlySet<string> Fields = new HashSet<string>(Sample.ToValues().Keys, StringComparer.Ordinal);
}
