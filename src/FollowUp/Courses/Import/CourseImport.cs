using System.Text.Json;
using Dapper;
using FollowUp.CheckIns;
using Npgsql;

namespace FollowUp.Courses.Import;

/// <summary>
/// All-or-nothing stores nothing when any row is wrong; valid-rows-only stores the rest and reports the wrong ones; a
/// dry run stores nothing and reports what storing would do (the wrong rows, and the courses already stored).
/// </summary>
public enum ImportMode { AllOrNothing, ValidRowsOnly, DryRun }

/// <summary>What an import did, row by row where it matters.</summary>
public sealed record ImportReport
{
    public required string EncodingName { get; init; }
    public required char Delimiter { get; init; }
    public required int Rows { get; init; }
    /// <summary>Problems with the file as a whole (no such column …): nothing is read or stored.</summary>
    public required IReadOnlyList<string> FileProblems { get; init; }
    public required IReadOnlyList<RowProblem> RowProblems { get; init; }
    /// <summary>New courses, by the line they came from.</summary>
    public IReadOnlyList<(int Line, long CourseId)> Enrolled { get; init; } = [];
    /// <summary>Rows whose course is already stored (an earlier import of the same export): skipped, not an error.</summary>
    public IReadOnlyList<(int Line, long CourseId)> AlreadyEnrolled { get; init; } = [];
    /// <summary>Addresses that two or more differently named patients share (a family address): each name is its own patient, said here.</summary>
    public IReadOnlyList<string> SharedAddresses { get; init; } = [];
    /// <summary>Known patients whose language the file gives anew: changed to it, said here and audited.</summary>
    public IReadOnlyList<string> LanguageChanges { get; init; } = [];
    public bool Stored { get; init; }
}

/// <summary>
/// Enrols a clinic's export in one transaction: rows are validated like single enrolments, copied in binary into
/// staging tables with their check-ins planned by <see cref="CheckInPlanner"/>, and moved into place set-based, so a
/// hundred thousand rows take seconds, not the minutes of one INSERT each.
/// </summary>
public sealed class CourseImport(NpgsqlDataSource dataSource, TimeProvider clock, Microsoft.Extensions.Options.IOptions<Languages.ClinicLanguageOptions> clinicLanguage,
    Microsoft.Extensions.Options.IOptions<DataProtection.ConsentOptions> consentOptions)
{
    public async Task<ImportReport> ImportAsync(byte[] content, string fileName, ImportSettings settings, ImportMode mode, string actor,
        Func<string, CancellationToken, Task>? progress, CancellationToken cancellationToken)
    {
        Task Say(string message) => progress?.Invoke(message, cancellationToken) ?? Task.CompletedTask;
        var now = clock.GetUtcNow();
        var file = CourseFile.Read(content, settings);
        await Say($"read {file.Rows.Count} rows ({file.EncodingName}, '{file.Delimiter}'-separated)");
        var report = new ImportReport
        {
            EncodingName = file.EncodingName, Delimiter = file.Delimiter, Rows = file.Rows.Count, FileProblems = file.Problems, RowProblems = [],
        };
        if (file.Problems.Count > 0) return report;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One import at a time: two copies of the same export started together must not both find the courses new.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('followup.course_import'))", null, transaction, cancellationToken: cancellationToken));
        var therapists = (await connection.QueryAsync<KnownTherapist>(new CommandDefinition(
            "SELECT id, email, name FROM therapists", null, transaction, cancellationToken: cancellationToken))).ToList();
        var (valid, problems) = CourseRows.Validate(file, settings, therapists, DateOnly.FromDateTime(now.UtcDateTime), consentOptions.Value.Default);
        // An address that replied STOP is not enrolled again by an import: only by hand, with the renewed consent.
        var stopped = (await connection.QueryAsync<(string Email, DateTime At)>(new CommandDefinition(OptedOutAddresses,
            new { emails = valid.Select(v => v.Enrolment.PatientEmail.ToLowerInvariant()).Distinct().ToArray() }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Email, r => r.At, StringComparer.Ordinal);
        if (stopped.Count > 0)
        {
            var refused = valid.Where(v => stopped.ContainsKey(v.Enrolment.PatientEmail.ToLowerInvariant())).ToList();
            problems = [.. problems, .. refused.Select(v => new RowProblem(v.Line, ImportColumns.Name(ImportField.PatientEmail), string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"'{v.Enrolment.PatientEmail}' replied STOP on {stopped[v.Enrolment.PatientEmail.ToLowerInvariant()]:yyyy-MM-dd}: enrol it by hand with the patient's renewed consent (course enrol --renewed-consent)")))];
            problems = [.. problems.OrderBy(p => p.Line)];
            valid = valid.Except(refused).ToList();
        }
        // A clinic identifier names one person: rows that give it to another address or name (in the file, or against
        // the patient stored under it) are reported, never merged into that patient.
        var conflicts = await ClinicIdConflictsAsync(connection, transaction, valid, cancellationToken);
        if (conflicts.Count > 0)
        {
            problems = [.. problems.Concat(conflicts.Select(c => c.Problem)).OrderBy(p => p.Line)];
            valid = valid.Except(conflicts.Select(c => c.Row)).ToList();
        }
        report = report with { RowProblems = problems };
        await Say($"validated: {valid.Count} valid, {file.Rows.Count - valid.Count} with problems");
        if (problems.Count > 0 && mode == ImportMode.AllOrNothing) return report;

        // Imported courses follow the clinic's default schedule as it stands now (an admin may have edited it).
        var schedule = await Schedules.ScheduleStore.FindAsync(connection, transaction, Schedules.Schedule.DefaultName, cancellationToken)
            ?? throw new InvalidOperationException("The default schedule is missing from the database (migration V4 seeds it).");
        await ImportStaging.FillAsync(connection, transaction, valid, schedule, clinicLanguage.Value.Code, cancellationToken);
        await Say($"copied {valid.Count} rows; looking for courses already enrolled");
        var at = now.UtcDateTime;
        var already = (await connection.QueryAsync<(int, long)>(new CommandDefinition(FindExisting, null, transaction, cancellationToken: cancellationToken))).ToList();
        // A dry run goes as far as finding what is already stored; the transaction then rolls back, leaving nothing.
        if (mode == ImportMode.DryRun) return report with { AlreadyEnrolled = already };
        await Say($"{already.Count} already enrolled; storing patients");
        await connection.ExecuteAsync(new CommandDefinition(InsertPatients, new { at }, transaction, cancellationToken: cancellationToken));
        var shared = (await connection.QueryAsync<string>(new CommandDefinition(SharedAddresses, null, transaction, cancellationToken: cancellationToken))).ToList();
        var languages = await ChangeLanguagesAsync(connection, transaction, now, actor, fileName, cancellationToken);
        await Say("storing courses");
        await connection.ExecuteAsync(new CommandDefinition(InsertCourses, new { at, scheduleId = schedule.Id }, transaction, cancellationToken: cancellationToken));
        await Say("storing check-ins");
        await connection.ExecuteAsync(new CommandDefinition(InsertCheckIns, null, transaction, cancellationToken: cancellationToken));
        await Say("recording consent and writing the audit trail");
        var basis = consentOptions.Value.LegalBasis;
        await connection.ExecuteAsync(new CommandDefinition(RecordConsents, new { at, actor, basis }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(AuditCourses, new { at, actor, file = fileName, basis }, transaction, cancellationToken: cancellationToken));
        var enrolled = (await connection.QueryAsync<(int, long)>(new CommandDefinition(
            "SELECT line, course_id FROM import_courses WHERE course_id IS NOT NULL ORDER BY line", null, transaction, cancellationToken: cancellationToken))).ToList();
        await Audit.AuditTrail.WriteAsync(connection, transaction, now, actor, "course.import", null, null, null, new
        {
            file = fileName,
            mode = mode.ToString(),
            rows = file.Rows.Count,
            enrolled = enrolled.Count,
            already_enrolled = already.Count,
            rejected_lines = problems.Select(p => p.Line).Distinct().Count(),
        }, cancellationToken);
        await Say("committing");
        await transaction.CommitAsync(cancellationToken);
        return report with { Enrolled = enrolled, AlreadyEnrolled = already, SharedAddresses = shared, LanguageChanges = languages, Stored = true };
    }

    private static async Task<List<(ImportRow Row, RowProblem Problem)>> ClinicIdConflictsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        List<ImportRow> valid, CancellationToken cancellationToken)
    {
        var withId = valid.Where(v => v.Enrolment.PatientClinicId is not null).ToList();
        if (withId.Count == 0) return [];
        var stored = (await connection.QueryAsync<(string ClinicId, long Id, string Name, string Email)>(new CommandDefinition(
            "SELECT clinic_id, id, name, email FROM patients WHERE clinic_id = ANY(@ids)",
            new { ids = withId.Select(v => v.Enrolment.PatientClinicId!).Distinct().ToArray() }, transaction, cancellationToken: cancellationToken)))
            .ToDictionary(p => p.ClinicId, StringComparer.Ordinal);
        var firstInFile = new Dictionary<string, ImportRow>(StringComparer.Ordinal);
        var conflicts = new List<(ImportRow, RowProblem)>();
        var column = ImportColumns.Name(ImportField.PatientClinicId);
        static bool Same(string name, string email, Enrolment e) =>
            string.Equals(name.Trim(), e.PatientName.Trim(), StringComparison.OrdinalIgnoreCase) && string.Equals(email.Trim(), e.PatientEmail.Trim(), StringComparison.OrdinalIgnoreCase);
        foreach (var row in withId)
        {
            var e = row.Enrolment;
            var id = e.PatientClinicId!;
            if (stored.TryGetValue(id, out var patient) && !Same(patient.Name, patient.Email, e))
                conflicts.Add((row, new RowProblem(row.Line, column, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"patient id '{id}' is patient {patient.Id}, {patient.Name} <{patient.Email}>, not {e.PatientName} <{e.PatientEmail}>: not merged; check the id or correct that patient's record"))));
            else if (firstInFile.TryGetValue(id, out var first) && !Same(first.Enrolment.PatientName, first.Enrolment.PatientEmail, e))
                conflicts.Add((row, new RowProblem(row.Line, column, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"patient id '{id}' is {first.Enrolment.PatientName} <{first.Enrolment.PatientEmail}> on line {first.Line}, not {e.PatientName} <{e.PatientEmail}>: not merged"))));
            else firstInFile.TryAdd(id, row);
        }
        return conflicts;
    }

    /// <summary>For the report as JSON: the fields in snake_case, the pairs as objects.</summary>
    public static string ToJson(ImportReport report) => JsonSerializer.Serialize(new
    {
        encoding = report.EncodingName,
        delimiter = report.Delimiter.ToString(),
        rows = report.Rows,
        stored = report.Stored,
        file_problems = report.FileProblems,
        row_problems = report.RowProblems.Select(p => new { line = p.Line, column = p.Column, problem = p.Problem }),
        enrolled = report.Enrolled.Select(e => new { line = e.Line, course_id = e.CourseId }),
        already_enrolled = report.AlreadyEnrolled.Select(e => new { line = e.Line, course_id = e.CourseId }),
    }, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // A course already stored, by this export's key or, for one enrolled by hand, by patient address and dates.
    private const string FindExisting = """
        ANALYZE import_courses;
        UPDATE import_courses s SET existing_course_id = c.id FROM courses c WHERE c.import_key = s.import_key;
        UPDATE import_courses s SET existing_course_id = c.id
        FROM courses c JOIN patients p ON p.id = c.patient_id
        WHERE s.existing_course_id IS NULL AND c.started_on = s.started_on AND c.ended_on = s.ended_on
          AND lower(p.email) = lower(s.patient_email) AND lower(p.name) = lower(s.patient_name);
        SELECT line, existing_course_id FROM import_courses WHERE existing_course_id IS NOT NULL ORDER BY line;
        """;

    // A patient is a person, not an address: a family may share one. A patient is found by the clinic's identifier
    // first (rows that give it to someone else were refused before); else a patient already known by address and name
    // keeps their record, one with another identifier never; any other name at that address becomes a patient of its
    // own (SharedAddresses says so). A known patient without an identifier takes the one the export gives.
    private const string InsertPatients = """
        UPDATE import_courses s SET patient_id = p.id FROM patients p
        WHERE s.existing_course_id IS NULL AND s.patient_clinic_id IS NOT NULL AND p.clinic_id = s.patient_clinic_id;
        UPDATE import_courses s SET patient_id = CASE WHEN s.patient_clinic_id IS NULL THEN p.id ELSE p.unnumbered END
        FROM (SELECT lower(email) AS email, lower(name) AS name, min(id) AS id, min(id) FILTER (WHERE clinic_id IS NULL) AS unnumbered FROM patients
              WHERE lower(email) IN (SELECT lower(patient_email) FROM import_courses) GROUP BY lower(email), lower(name)) p
        WHERE s.existing_course_id IS NULL AND s.patient_id IS NULL AND p.email = lower(s.patient_email) AND p.name = lower(s.patient_name)
          AND (s.patient_clinic_id IS NULL OR p.unnumbered IS NOT NULL);
        UPDATE patients p SET clinic_id = s.patient_clinic_id
        FROM (SELECT DISTINCT ON (patient_id) patient_id, patient_clinic_id FROM import_courses
              WHERE existing_course_id IS NULL AND patient_id IS NOT NULL AND patient_clinic_id IS NOT NULL ORDER BY patient_id, line) s
        WHERE p.id = s.patient_id AND p.clinic_id IS NULL;
        WITH inserted AS (
            INSERT INTO patients (name, email, time_zone, language, created_at, clinic_id)
            SELECT DISTINCT ON (lower(patient_email), lower(patient_name), patient_clinic_id) patient_name, patient_email, time_zone, language, @at, patient_clinic_id
            FROM import_courses WHERE existing_course_id IS NULL AND patient_id IS NULL
            ORDER BY lower(patient_email), lower(patient_name), patient_clinic_id, line
            RETURNING id, lower(email) AS email, lower(name) AS name, clinic_id)
        UPDATE import_courses s SET patient_id = i.id FROM inserted i
        WHERE s.existing_course_id IS NULL AND s.patient_id IS NULL AND lower(s.patient_email) = i.email AND lower(s.patient_name) = i.name
          AND s.patient_clinic_id IS NOT DISTINCT FROM i.clinic_id;
        """;

    // The clinic's export is the current record: a known patient whose row names a language (not left empty for the
    // clinic's default) takes it, the last such row of the file winning. Said per patient and audited as an admin change.
    private static async Task<List<string>> ChangeLanguagesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, string actor,
        string fileName, CancellationToken cancellationToken)
    {
        // Set-based like the rest of the import: a re-export of 100 000 patients in another language is three statements.
        await connection.ExecuteAsync(new CommandDefinition(ChangeLanguages, new { at = now.UtcDateTime, actor, file = fileName }, transaction, cancellationToken: cancellationToken));
        var changes = await connection.QueryAsync<(int Line, string Name, string Was, string Language)>(new CommandDefinition(
            "SELECT line, name, coalesce(was, 'none set') AS was, language FROM import_languages ORDER BY line", null, transaction, cancellationToken: cancellationToken));
        return changes.Select(c => FormattableString.Invariant($"line {c.Line}: {c.Name}'s language changed from {c.Was} to {c.Language}")).ToList();
    }

    private static readonly string ChangeLanguages = $"""
        CREATE TEMP TABLE import_languages ON COMMIT DROP AS
        SELECT * FROM (
            SELECT DISTINCT ON (p.id) g.line, p.id AS patient_id, p.name, p.language AS was, g.language
            FROM (SELECT s.line, s.language, coalesce(s.patient_id, c.patient_id) AS patient_id
                  FROM import_courses s LEFT JOIN courses c ON c.id = s.existing_course_id WHERE s.language_given) g
            JOIN patients p ON p.id = g.patient_id
            ORDER BY p.id, g.line DESC) last_row
        WHERE was IS DISTINCT FROM language;
        {Audit.AuditTrail.InsertEach("""
            SELECT @at, @actor, 'patient.language_changed', NULL, patient_id, patient_id,
                   jsonb_build_object('source', 'import', 'file', @file::text, 'line', line,
                                      'before', jsonb_build_object('language', was), 'after', jsonb_build_object('language', language))
            FROM import_languages ORDER BY line
            """)};
        UPDATE patients p SET language = l.language FROM import_languages l WHERE p.id = l.patient_id;
        """;

    // Each address of this import that more than one name uses, in the file or in the patients already stored.
    private const string SharedAddresses = """
        SELECT format('%s is shared by %s: each is enrolled as a patient of their own', a.email, string_agg(DISTINCT a.name, ', ' ORDER BY a.name))
        FROM (SELECT lower(patient_email) AS email, patient_name AS name FROM import_courses WHERE existing_course_id IS NULL
              UNION SELECT lower(p.email), p.name FROM patients p WHERE lower(p.email) IN (SELECT lower(patient_email) FROM import_courses WHERE existing_course_id IS NULL)) a
        GROUP BY a.email HAVING count(DISTINCT lower(a.name)) > 1
        ORDER BY a.email
        """;

    private const string OptedOutAddresses = """
        SELECT lower(email) AS email, max(opted_out_at) AS at FROM patients
        WHERE lower(email) = ANY(@emails) AND opted_out_at IS NOT NULL
        GROUP BY lower(email)
        """;

    private const string InsertCourses = """
        WITH inserted AS (
            INSERT INTO courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, schedule_id, enrolled_at, import_key)
            SELECT patient_id, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, @scheduleId, @at, import_key
            FROM import_courses WHERE existing_course_id IS NULL ORDER BY line
            RETURNING id, import_key)
        UPDATE import_courses s SET course_id = i.id FROM inserted i WHERE s.import_key = i.import_key;
        """;

    private static readonly string InsertCheckIns = CheckIns.CheckInStates.Plan("""
        SELECT s.course_id, ci.sequence, ci.offset_days, ci.due_at, ci.expires_at, ci.asks_phq2, ci.asks_mood
        FROM import_check_ins ci JOIN import_courses s ON s.line = ci.line
        WHERE s.course_id IS NOT NULL
        """);

    // Each new course's consent, as the row (or the clinic's standing rule) gave it, recorded by the importing admin.
    private static readonly string RecordConsents = DataProtection.Consents.InsertEach("""
        SELECT patient_id, course_id, @basis::text AS basis, consent_method AS method, consent_on AS given_on, consent_default AS from_clinic_default,
               @actor::text AS recorded_by, @at::timestamptz AS recorded_at
        FROM import_courses WHERE course_id IS NOT NULL
        """);

    // Each new course is an admin change like a hand enrolment: who, and the course as it now stands.
    private static readonly string AuditCourses = Audit.AuditTrail.InsertEach("""
        SELECT @at, @actor, 'course.enrolled', course_id, patient_id, course_id,
               jsonb_build_object('source', 'import', 'file', @file::text, 'line', line, 'before', NULL, 'after', jsonb_build_object(
                   'therapist_id', therapist_id, 'started_on', started_on, 'ended_on', ended_on,
                   'pain_at_start', pain_at_start, 'pain_at_end', pain_at_end, 'time_zone', time_zone, 'language', language, 'import_key', import_key,
                   'consent', jsonb_build_object('basis', @basis::text, 'method', consent_method, 'given_on', consent_on, 'from_clinic_default', consent_default, 'recorded_by', @actor::text)))
        FROM import_courses WHERE course_id IS NOT NULL
        """);
}
