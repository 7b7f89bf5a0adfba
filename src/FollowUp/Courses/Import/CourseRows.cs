using System.Globalization;

namespace FollowUp.Courses.Import;

/// <summary>What is wrong with one row: the file's line, the column as the file names it, and the reason.</summary>
public sealed record RowProblem(int Line, string Column, string Problem);

/// <summary>A therapist the clinic has registered (<c>followup-admin therapist add</c>).</summary>
internal sealed record KnownTherapist(long Id, string Email, string? Name);

/// <summary>A row that may be enrolled: the same <see cref="Enrolment"/> that <c>course enrol</c> validates, plus its key.</summary>
internal sealed record ImportRow(int Line, Enrolment Enrolment, long TherapistId, string ImportKey);

/// <summary>
/// Validates every row of a clinic's export with the rules of a single enrolment (<see cref="Enrolment.Problems"/>),
/// plus what only a file has: values that do not parse, unknown therapists, and the same course twice.
/// </summary>
internal static class CourseRows
{
    public static (List<ImportRow> Valid, List<RowProblem> Problems) Validate(CourseFile file, ImportSettings settings,
        IReadOnlyList<KnownTherapist> therapists, DateOnly today, DataProtection.EnrolmentConsent? clinicDefault)
    {
        var valid = new List<ImportRow>();
        var problems = new List<RowProblem>();
        var byEmail = therapists.ToDictionary(t => t.Email.Trim().ToLowerInvariant());
        var byName = therapists.Where(t => !string.IsNullOrWhiteSpace(t.Name)).ToLookup(t => t.Name!.Trim().ToLowerInvariant());
        var seenKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenCourses = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in file.Rows)
        {
            var rowProblems = new List<(ImportField Field, string Problem)>();
            string Value(ImportField field) => file.Columns.TryGetValue(field, out var i) && i < row.Values.Count ? row.Values[i].Trim() : "";
            void Add(ImportField field, string problem) => rowProblems.Add((field, problem));

            var startedOn = ParseDate(Value(ImportField.StartedOn), ImportField.StartedOn, settings, Add) ?? today;
            var endedOn = ParseDate(Value(ImportField.EndedOn), ImportField.EndedOn, settings, Add) ?? today;
            var painAtStart = ParsePain(Value(ImportField.PainAtStart), ImportField.PainAtStart, required: true, Add) ?? 0;
            var painAtEnd = ParsePain(Value(ImportField.PainAtEnd), ImportField.PainAtEnd, required: false, Add);
            var therapist = FindTherapist(Value(ImportField.Therapist), byEmail, byName, Add);
            var consent = ParseConsent(Value(ImportField.Consent), Value(ImportField.ConsentOn), settings, clinicDefault, Add);
            var zone = file.Columns.ContainsKey(ImportField.TimeZone) && Value(ImportField.TimeZone).Length > 0
                ? Value(ImportField.TimeZone) : settings.TimeZone ?? "";
            var enrolment = new Enrolment
            {
                PatientName = Value(ImportField.PatientName),
                PatientEmail = Value(ImportField.PatientEmail),
                TimeZone = zone,
                TherapistEmail = therapist?.Email ?? "unknown@therapist.invalid",
                TherapistName = therapist?.Name,
                StartedOn = startedOn,
                EndedOn = endedOn,
                PainAtStart = painAtStart,
                PainAtEnd = painAtEnd,
                PatientClinicId = Value(ImportField.PatientClinicId) is { Length: > 0 } clinicId ? clinicId : null,
                // Empty: the clinic's language, as for a patient enrolled by hand without --language.
                Language = Value(ImportField.Language) is { Length: > 0 } language ? language : null,
                Consent = consent,
            };
            // The single-enrolment rules, once each; a field that did not even parse keeps only that complaint.
            var unparsed = rowProblems.Select(p => p.Field).ToHashSet();
            foreach (var problem in enrolment.Problems(today))
            {
                var field = FieldOf(problem);
                // "end before start" compares both dates: a date that did not parse (stood in for by today) says nothing.
                var comparesDates = problem.Contains("is before its start", StringComparison.Ordinal)
                    && (unparsed.Contains(ImportField.StartedOn) || unparsed.Contains(ImportField.EndedOn));
                if (field != ImportField.Therapist && !unparsed.Contains(field) && !comparesDates) Add(field, problem);
            }

            // The same course twice is the same person's (name and clinic identifier too): two people of a family sharing an
            // address may well have their courses on the same dates.
            var naturalKey = FormattableString.Invariant(
                $"{enrolment.PatientEmail.ToLowerInvariant()}|{enrolment.PatientName.Trim().ToLowerInvariant()}|{enrolment.PatientClinicId}|{startedOn:yyyy-MM-dd}|{endedOn:yyyy-MM-dd}");
            var ownKey = Value(ImportField.ImportKey);
            if (rowProblems.Count == 0)
            {
                if (ownKey.Length > 0 && seenKeys.TryGetValue(ownKey, out var first))
                    Add(ImportField.ImportKey, $"duplicate of line {first}: the same import key '{ownKey}'");
                else if (seenCourses.TryGetValue(naturalKey, out first))
                    Add(ImportField.PatientEmail, $"duplicate of line {first}: the same patient email and course dates");
            }
            if (rowProblems.Count > 0)
            {
                problems.AddRange(rowProblems.Select(p => new RowProblem(row.Line, ColumnName(file, p.Field), p.Problem)));
                continue;
            }
            if (ownKey.Length > 0) seenKeys[ownKey] = row.Line;
            seenCourses[naturalKey] = row.Line;
            valid.Add(new ImportRow(row.Line, enrolment, therapist!.Id, ownKey.Length > 0 ? "key:" + ownKey : "course:" + naturalKey));
        }
        return (valid, problems);
    }

    private static DateOnly? ParseDate(string value, ImportField field, ImportSettings settings, Action<ImportField, string> add)
    {
        // ISO first: it is what any export tool writes when asked, and it cannot be misread in any culture.
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        var culture = settings.Culture ?? CultureInfo.InvariantCulture;
        if (settings.DateFormat is { } format)
        {
            if (DateOnly.TryParseExact(value, format, culture, DateTimeStyles.None, out date)) return date;
        }
        else if (settings.Culture is not null && DateOnly.TryParse(value, culture, DateTimeStyles.None, out date)) return date;
        var expected = settings.DateFormat ?? (settings.Culture is { } c ? c.DateTimeFormat.ShortDatePattern + $" ({c.Name})" : null);
        add(field, value.Length == 0
            ? $"{ImportColumns.Name(field)} is empty"
            : $"'{value}' is not a date; expected YYYY-MM-DD{(expected is null ? " (or give --date-format / --culture)" : " or " + expected)}");
        return null;
    }

    /// <summary>
    /// The row's consent: a way (in_person, form …) or a yes in the consent column, with its day if the file gives one; an
    /// empty cell falls back on the clinic's standing rule; a no, or anything else, is the row's problem.
    /// </summary>
    private static DataProtection.EnrolmentConsent? ParseConsent(string value, string on, ImportSettings settings, DataProtection.EnrolmentConsent? clinicDefault,
        Action<ImportField, string> add)
    {
        if (value.Length == 0)
        {
            // A day without a way: the day alone says the patient agreed on it, but not how; the export's tick says that.
            if (on.Length > 0) add(ImportField.Consent, "consent is empty but consent_on is given: say how the patient agreed (in_person, form, phone, email, web or yes)");
            return clinicDefault;
        }
        var (method, refused) = DataProtection.ConsentMethods.ParseCell(value);
        if (method is null)
        {
            add(ImportField.Consent, refused
                ? $"consent '{value}': the patient did not agree to follow-up; leave the row out"
                : $"consent '{value}' is not a way to consent; use in_person, form, phone, email, web or yes");
            return null;
        }
        var givenOn = on.Length == 0 ? (DateOnly?)null : ParseDate(on, ImportField.ConsentOn, settings, add);
        return new DataProtection.EnrolmentConsent(method, givenOn, null, null);
    }

    private static int? ParsePain(string value, ImportField field, bool required, Action<ImportField, string> add)
    {
        if (value.Length == 0)
        {
            if (required) add(field, $"{ImportColumns.Name(field)} is empty; give the pain score 0-10");
            return null;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pain) && pain <= 10) return pain;
        add(field, $"'{value}' is not a pain score; use a whole number from 0 to 10");
        return null;
    }

    private static KnownTherapist? FindTherapist(string value, Dictionary<string, KnownTherapist> byEmail,
        ILookup<string, KnownTherapist> byName, Action<ImportField, string> add)
    {
        var key = value.ToLowerInvariant();
        if (byEmail.TryGetValue(key, out var therapist)) return therapist;
        var named = byName[key].ToList();
        if (named.Count == 1) return named[0];
        add(ImportField.Therapist, value.Length == 0 ? "therapist is empty"
            : named.Count > 1 ? $"therapist '{value}' is the name of {named.Count} therapists; use their email address"
            : $"unknown therapist '{value}'; add them first with 'followup-admin therapist add'");
        return null;
    }

    /// <summary>The field an <see cref="Enrolment.Problems"/> message is about (each starts by naming it).</summary>
    private static ImportField FieldOf(string problem) => problem switch
    {
        _ when problem.StartsWith("patient name", StringComparison.Ordinal) => ImportField.PatientName,
        _ when problem.StartsWith("patient email", StringComparison.Ordinal) => ImportField.PatientEmail,
        _ when problem.StartsWith("patient id", StringComparison.Ordinal) => ImportField.PatientClinicId,
        _ when problem.StartsWith("therapist", StringComparison.Ordinal) => ImportField.Therapist,
        _ when problem.StartsWith("time zone", StringComparison.Ordinal) => ImportField.TimeZone,
        _ when problem.StartsWith("course start", StringComparison.Ordinal) => ImportField.StartedOn,
        _ when problem.StartsWith("pain at course start", StringComparison.Ordinal) => ImportField.PainAtStart,
        _ when problem.StartsWith("pain at course end", StringComparison.Ordinal) => ImportField.PainAtEnd,
        _ when problem.StartsWith("language", StringComparison.Ordinal) => ImportField.Language,
        _ when problem.StartsWith("consent date", StringComparison.Ordinal) => ImportField.ConsentOn,
        _ when problem.StartsWith("consent", StringComparison.Ordinal) => ImportField.Consent,
        _ => ImportField.EndedOn, // "course end …", including "course end … is before its start …"
    };

    private static string ColumnName(CourseFile file, ImportField field) =>
        file.Columns.TryGetValue(field, out var i) ? file.Headers[i]
        : field == ImportField.TimeZone ? "--time-zone" : ImportColumns.Name(field);
}
