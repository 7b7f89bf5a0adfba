using FollowUp.CheckIns;
using FollowUp.Mail;

namespace FollowUp.Courses;

/// <summary>What an admin gives to enrol one course of massage for follow-up.</summary>
public sealed record Enrolment
{
    public required string PatientName { get; init; }
    public required string PatientEmail { get; init; }
    /// <summary>IANA time zone id of the patient, e.g. Europe/London: check-ins go out in their morning.</summary>
    public required string TimeZone { get; init; }
    public required string TherapistEmail { get; init; }
    public string? TherapistName { get; init; }
    public required DateOnly StartedOn { get; init; }
    public required DateOnly EndedOn { get; init; }
    /// <summary>Pain at the start of the course, 0-10 (the baseline B).</summary>
    public required int PainAtStart { get; init; }
    /// <summary>Pain at the end of the course, 0-10 (E); may be unknown and come from the first check-in.</summary>
    public int? PainAtEnd { get; init; }
    /// <summary>The patient's language, as a code (de) or a name (German, Deutsch); null: the clinic's language.</summary>
    public string? Language { get; init; }
    /// <summary>The schedule to follow, by name; null: the clinic's default schedule.</summary>
    public string? Schedule { get; init; }
    /// <summary>
    /// For an address that once replied STOP: how and when the patient agreed to be followed up again, in the
    /// admin's words (kept in the audit trail). Without it such an address is refused.
    /// </summary>
    public string? RenewedConsent { get; init; }
    /// <summary>
    /// The clinic's own identifier of the patient (record number, MRN), when it has one: a patient is found by it
    /// before anything else, and two people sharing an address stay two patients.
    /// </summary>
    public string? PatientClinicId { get; init; }

    /// <summary>Every problem with this enrolment, each naming the field; empty when it may be stored.</summary>
    public IReadOnlyList<string> Problems(DateOnly today)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(PatientName)) problems.Add("patient name is empty");
        else if (PatientName.Length > 200 || PatientName.Any(char.IsControl)) problems.Add("patient name is too long or has control characters");
        if (PatientClinicId is { } clinicId && (clinicId.Trim().Length is 0 or > 100 || clinicId.Any(char.IsControl)))
            problems.Add("patient id must be 1-100 characters without control characters");
        if (!ClinicOptions.IsAddress(PatientEmail)) problems.Add($"patient email '{PatientEmail}' is not an email address");
        if (!ClinicOptions.IsAddress(TherapistEmail)) problems.Add($"therapist email '{TherapistEmail}' is not an email address");
        if (TherapistName is { } name && (name.Length > 200 || name.Any(char.IsControl))) problems.Add("therapist name is too long or has control characters");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? "", out var zone) || !zone.HasIanaId)
            problems.Add($"time zone '{TimeZone}' is not an IANA time zone id (e.g. Europe/London)");
        if (EndedOn < StartedOn) problems.Add($"course end {EndedOn:yyyy-MM-dd} is before its start {StartedOn:yyyy-MM-dd}");
        if (StartedOn > today) problems.Add($"course start {StartedOn:yyyy-MM-dd} is in the future");
        if (EndedOn < today.AddDays(-CheckInPlanner.FollowUpDays))
            problems.Add($"course end {EndedOn:yyyy-MM-dd} is more than {CheckInPlanner.FollowUpDays} days ago: there is nothing left to follow up");
        if (PainAtStart is < 0 or > 10) problems.Add($"pain at course start must be 0-10 (was {PainAtStart})");
        if (PainAtEnd is < 0 or > 10) problems.Add($"pain at course end must be 0-10 (was {PainAtEnd})");
        if (Language is not null && Languages.PatientLanguage.Parse(Language) is null) problems.Add(Languages.PatientLanguage.Problem("language", Language));
        return problems;
    }
}

/// <summary>An enrolment's typed fields read from what an admin typed, in the same words for the CLI's options and the web's form.</summary>
public static class EnrolmentFields
{
    /// <summary>The date in <paramref name="value"/> (YYYY-MM-DD), or null with the problem, naming <paramref name="field"/>, added.</summary>
    public static DateOnly? Date(string? value, string field, ICollection<string> problems)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)) return date;
        problems.Add($"{field}: '{value}' is not a date; use YYYY-MM-DD, e.g. 2026-11-05");
        return null;
    }

    /// <summary>The pain score 0-10 in <paramref name="value"/>; null for none given, or with the problem added.</summary>
    public static int? Pain(string? value, string field, ICollection<string> problems)
    {
        if (value is null) return null;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pain) && pain <= 10) return pain;
        problems.Add($"{field}: '{value}' is not a pain score; use a whole number from 0 to 10");
        return null;
    }
}
