using System.Data.Common;
using Dapper;

namespace FollowUp.DataProtection;

/// <summary>One consent row as read back, for <c>course show</c> and the exports.</summary>
public sealed class ConsentEntry
{
    public long Id { get; init; }
    public long PatientId { get; init; }
    public long? CourseId { get; init; }
    public string Event { get; init; } = "";
    public string? Basis { get; init; }
    public string Method { get; init; } = "";
    public DateOnly? GivenOn { get; init; }
    public bool FromClinicDefault { get; init; }
    public string RecordedBy { get; init; } = "";
    public DateTime RecordedAt { get; init; }
    public string? Note { get; init; }
}

/// <summary>
/// The only writer of consents and of the patient's opt-out (patients.opted_out_at): consent given at enrolment, withdrawn
/// by STOP or unsubscribe, renewed by an admin, each a row in the caller's transaction with its audit row.
/// </summary>
internal static class Consents
{
    /// <summary>Consent given (or renewed) for <paramref name="patientId"/> at the enrolment of <paramref name="courseId"/>.</summary>
    public static async Task RecordAsync(DbConnection connection, DbTransaction transaction, long patientId, long courseId, bool renewed, string basis,
        EnrolmentConsent consent, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            patientId,
            courseId,
            @event = renewed ? "renewed" : "given",
            basis,
            method = consent.Method,
            givenOn = consent.GivenOn,
            fromDefault = consent.FromClinicDefault,
            by = consent.RecordedBy(actor),
            at = now.UtcDateTime,
            note = consent.Note,
        }, transaction, cancellationToken: cancellationToken));
        // Renewed consent lifts this person's opt-out, here and on their earlier records at the same address (the opt-out
        // sticks to the address until then); another person's STOP from a shared address stands.
        if (renewed)
            await connection.ExecuteAsync(new CommandDefinition(LiftOptOut, new { patientId }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// STOP (or an unsubscribe) from the patient: they are opted out and their consent withdrawn, once; returns whether
    /// this call did it (a second STOP changes nothing).
    /// </summary>
    public static async Task<bool> WithdrawAsync(DbConnection connection, DbTransaction transaction, long patientId, string method, DateTime now, CancellationToken cancellationToken)
    {
        var withdrawn = await connection.ExecuteAsync(new CommandDefinition(Withdraw, new { patientId, method, now }, transaction, cancellationToken: cancellationToken));
        if (withdrawn > 0)
            await Audit.AuditTrail.WriteAsync(connection, transaction, new DateTimeOffset(now, TimeSpan.Zero), "patient", "patient.consent_withdrawn", null, patientId, patientId,
                new { method }, cancellationToken);
        return withdrawn > 0;
    }

    /// <summary>Every consent row of the patient of course <paramref name="courseId"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<ConsentEntry>> OfCoursePatientAsync(DbConnection connection, long courseId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ConsentEntry>(new CommandDefinition($"""
            SELECT {Columns}
            FROM consents WHERE patient_id = (SELECT patient_id FROM courses WHERE id = @courseId) ORDER BY recorded_at, id
            """, new { courseId }, cancellationToken: cancellationToken))).ToList();

    /// <summary>
    /// The statement that records consent for each row of <paramref name="select"/> (patient_id, course_id, basis, method,
    /// given_on, from_clinic_default, recorded_by, recorded_at), for an import written set-based.
    /// </summary>
    internal static string InsertEach(string select) => $"""
        INSERT INTO consents (patient_id, course_id, event, basis, method, given_on, from_clinic_default, recorded_by, recorded_at)
        SELECT patient_id, course_id, 'given', basis, method, given_on, from_clinic_default, recorded_by, recorded_at FROM ({select}) s
        """;

    /// <summary>The columns of a consent row as <see cref="ConsentEntry"/> reads them.</summary>
    internal const string Columns = "id, patient_id, course_id, event, basis, method, given_on, from_clinic_default, recorded_by, recorded_at, note";

    private const string Insert = """
        INSERT INTO consents (patient_id, course_id, event, basis, method, given_on, from_clinic_default, recorded_by, recorded_at, note)
        VALUES (@patientId, @courseId, @event, @basis, @method, @givenOn, @fromDefault, @by, @at, @note)
        """;

    private const string LiftOptOut = """
        UPDATE patients p SET opted_out_at = NULL
        FROM patients me
        WHERE me.id = @patientId AND p.opted_out_at IS NOT NULL
          AND (p.id = me.id OR (lower(p.email) = lower(me.email) AND lower(p.name) = lower(me.name) AND p.clinic_id IS NOT DISTINCT FROM me.clinic_id))
        """;

    // The withdrawal repeats the basis it withdraws from (the patient's latest consent row), when there is one.
    private const string Withdraw = """
        WITH stopped AS (
            UPDATE patients SET opted_out_at = @now WHERE id = @patientId AND opted_out_at IS NULL RETURNING id)
        INSERT INTO consents (patient_id, event, basis, method, recorded_by, recorded_at)
        SELECT id, 'withdrawn', (SELECT basis FROM consents WHERE patient_id = @patientId AND basis IS NOT NULL ORDER BY id DESC LIMIT 1),
               @method, 'patient', @now
        FROM stopped
        """;
}
