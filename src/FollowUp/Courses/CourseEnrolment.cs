using Dapper;
using FollowUp.CheckIns;
using FollowUp.Languages;
using FollowUp.Schedules;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Courses;

/// <summary>Stores a course with its patient and therapist and plans its check-ins, all in one transaction.</summary>
public sealed class CourseEnrolment(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<ClinicLanguageOptions> clinicLanguage,
    IOptions<DataProtection.ConsentOptions> consentOptions)
{
    /// <summary>Enrols the course; throws <see cref="EnrolmentException"/> naming every problem, storing nothing.</summary>
    public Task<long> EnrolAsync(Enrolment enrolment, CancellationToken cancellationToken) =>
        EnrolAsync(enrolment, "system", cancellationToken);

    /// <summary>Enrols the course as <paramref name="actor"/>, who is named in the audit trail.</summary>
    public async Task<long> EnrolAsync(Enrolment enrolment, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // No consent given: the clinic's standing rule stands in, if the admin set one; otherwise Problems refuses it.
        // Consent said at enrolment without a day was given that day.
        enrolment = enrolment with
        {
            Consent = enrolment.Consent is { GivenOn: null, FromClinicDefault: false } given ? given with { GivenOn = today }
                : enrolment.Consent ?? consentOptions.Value.Default,
        };
        var problems = enrolment.Problems(today);
        if (problems.Count > 0) throw new EnrolmentException(problems);

        var zone = TimeZoneInfo.FindSystemTimeZoneById(enrolment.TimeZone);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var schedule = await ScheduleStore.FindAsync(connection, transaction, enrolment.Schedule ?? Schedule.DefaultName, cancellationToken)
            ?? throw new EnrolmentException([$"schedule '{enrolment.Schedule}' does not exist (see 'followup-admin schedule list')"]);
        var plan = CheckInPlanner.Plan(enrolment.EndedOn, zone, schedule);
        var at = now.UtcDateTime;
        // An opt-out belongs to the address, not to the patient row of an old course: a new enrolment of someone who
        // said STOP needs their renewed consent, recorded by the admin who obtained it.
        var optedOutAt = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(OptedOut,
            new { email = enrolment.PatientEmail.Trim() }, transaction, cancellationToken: cancellationToken));
        var consent = enrolment.RenewedConsent?.Trim();
        if (optedOutAt is { } stoppedAt && string.IsNullOrEmpty(consent))
            throw new EnrolmentException([string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"patient email '{enrolment.PatientEmail.Trim()}' replied STOP on {stoppedAt:yyyy-MM-dd}: enrol it again only with the patient's renewed consent (--renewed-consent \"how and when they agreed\")")]);
        var therapistId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Therapists.Upsert,
            new { email = enrolment.TherapistEmail.Trim(), name = enrolment.TherapistName, at }, transaction, cancellationToken: cancellationToken));
        var clinicId = enrolment.PatientClinicId?.Trim();
        var known = clinicId is null ? null : await connection.QuerySingleOrDefaultAsync<KnownPatient>(new CommandDefinition(
            "SELECT id, name, email FROM patients WHERE clinic_id = @clinicId", new { clinicId }, transaction, cancellationToken: cancellationToken));
        // The clinic's identifier names one person: a new course of theirs is filed under them, but never under a
        // record whose address or name says it is someone else (a typo in the id, a reused number): refused, not merged.
        if (known is not null && (!string.Equals(known.Email, enrolment.PatientEmail.Trim(), StringComparison.OrdinalIgnoreCase)
                                  || !string.Equals(known.Name, enrolment.PatientName.Trim(), StringComparison.OrdinalIgnoreCase)))
            throw new EnrolmentException([string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"patient id '{clinicId}' is patient {known.Id}, {known.Name} <{known.Email}>, not {enrolment.PatientName.Trim()} <{enrolment.PatientEmail.Trim()}>: check the id, or correct that patient's record first")]);
        // Every email to the patient is written in their language: the one given, else the clinic's, stored either way.
        var language = PatientLanguage.Parse(enrolment.Language) ?? clinicLanguage.Value.Code;
        var patientId = known?.Id ?? await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertPatient,
            new { name = enrolment.PatientName.Trim(), email = enrolment.PatientEmail.Trim(), timeZone = zone.Id, language, at, clinicId }, transaction, cancellationToken: cancellationToken));
        var courseId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertCourse,
            new
            {
                patientId,
                therapistId,
                startedOn = enrolment.StartedOn,
                endedOn = enrolment.EndedOn,
                painAtStart = (short)enrolment.PainAtStart,
                painAtEnd = (short?)enrolment.PainAtEnd,
                scheduleId = schedule.Id,
                at,
            }, transaction, cancellationToken: cancellationToken));
        await CheckIns.CheckInStates.PlanAsync(connection, transaction, courseId, plan, cancellationToken);
        await Audit.AuditTrail.WriteAsync(connection, transaction, now, actor, "course.enrolled", courseId, patientId, courseId, new
        {
            source = "enrol",
            before = (object?)null,
            after = new
            {
                therapist_id = therapistId,
                started_on = enrolment.StartedOn,
                ended_on = enrolment.EndedOn,
                pain_at_start = enrolment.PainAtStart,
                pain_at_end = enrolment.PainAtEnd,
                time_zone = zone.Id,
                patient_clinic_id = clinicId,
                language,
                consent = new
                {
                    basis = consentOptions.Value.LegalBasis,
                    method = enrolment.Consent!.Method,
                    given_on = enrolment.Consent.GivenOn,
                    recorded_by = enrolment.Consent.RecordedBy(actor),
                    from_clinic_default = enrolment.Consent.FromClinicDefault,
                },
            },
        }, cancellationToken);
        await DataProtection.Consents.RecordAsync(connection, transaction, patientId, courseId, renewed: optedOutAt is not null, consentOptions.Value.LegalBasis,
            optedOutAt is null ? enrolment.Consent : enrolment.Consent with { Note = Cut(consent, 500) }, actor, now, cancellationToken);
        if (optedOutAt is not null)
            await Audit.AuditTrail.WriteAsync(connection, transaction, now, actor, "patient.consent_renewed", courseId, patientId, patientId, new
            {
                opted_out_at = optedOutAt,
                consent,
            }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return courseId;
    }

    private static string? Cut(string? text, int length) => text is { } t && t.Length > length ? t[..length] : text;

    internal const string OptedOut = """
        SELECT max(opted_out_at) FROM patients WHERE lower(email) = lower(@email) AND opted_out_at IS NOT NULL
        """;

    private const string InsertPatient = """
        INSERT INTO patients (name, email, time_zone, language, created_at, clinic_id)
        VALUES (@name, @email, @timeZone, @language, @at, @clinicId)
        RETURNING id
        """;

    private sealed record KnownPatient(long Id, string Name, string Email);

    private const string InsertCourse = """
        INSERT INTO courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, schedule_id, enrolled_at)
        VALUES (@patientId, @therapistId, @startedOn, @endedOn, @painAtStart, @painAtEnd, @scheduleId, @at)
        RETURNING id
        """;

}

/// <summary>An enrolment that cannot be stored, with every reason.</summary>
public sealed class EnrolmentException(IReadOnlyList<string> problems)
    : Exception("Cannot enrol: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
