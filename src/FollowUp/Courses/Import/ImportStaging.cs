using Dapper;
using FollowUp.CheckIns;
using Npgsql;
using NpgsqlTypes;

namespace FollowUp.Courses.Import;

/// <summary>
/// The import's staging tables (dropped at commit): the valid rows and their planned check-ins, copied in binary, from
/// which <see cref="CourseImport"/> moves them into place set-based.
/// </summary>
internal static class ImportStaging
{
    /// <summary>Creates the staging tables and copies <paramref name="rows"/> into them, each with its check-ins planned by <see cref="CheckInPlanner"/>.</summary>
    public static async Task FillAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<ImportRow> rows, Schedules.Schedule schedule, string clinicLanguage,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(CreateStaging, null, transaction, cancellationToken: cancellationToken));
        var zones = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        await using (var courses = await connection.BeginBinaryImportAsync(CopyCourses, cancellationToken))
        {
            foreach (var row in rows)
            {
                var e = row.Enrolment;
                await courses.StartRowAsync(cancellationToken);
                await courses.WriteAsync(row.Line, NpgsqlDbType.Integer, cancellationToken);
                await courses.WriteAsync(row.ImportKey, NpgsqlDbType.Text, cancellationToken);
                await courses.WriteAsync(e.PatientName, NpgsqlDbType.Text, cancellationToken);
                await courses.WriteAsync(e.PatientEmail, NpgsqlDbType.Text, cancellationToken);
                await courses.WriteAsync(Zone(zones, e.TimeZone).Id, NpgsqlDbType.Text, cancellationToken);
                await courses.WriteAsync(row.TherapistId, NpgsqlDbType.Bigint, cancellationToken);
                await courses.WriteAsync(e.StartedOn, NpgsqlDbType.Date, cancellationToken);
                await courses.WriteAsync(e.EndedOn, NpgsqlDbType.Date, cancellationToken);
                await courses.WriteAsync((short)e.PainAtStart, NpgsqlDbType.Smallint, cancellationToken);
                if (e.PainAtEnd is { } end) await courses.WriteAsync((short)end, NpgsqlDbType.Smallint, cancellationToken);
                else await courses.WriteNullAsync(cancellationToken);
                if (e.PatientClinicId is { } clinicId) await courses.WriteAsync(clinicId.Trim(), NpgsqlDbType.Text, cancellationToken);
                else await courses.WriteNullAsync(cancellationToken);
                await courses.WriteAsync(Languages.PatientLanguage.Parse(e.Language) ?? clinicLanguage, NpgsqlDbType.Text, cancellationToken);
                await courses.WriteAsync(e.Language is not null, NpgsqlDbType.Boolean, cancellationToken);
                // Validated rows always carry consent (given, or the clinic's standing rule).
                await courses.WriteAsync(e.Consent!.Method, NpgsqlDbType.Text, cancellationToken);
                if (e.Consent.GivenOn is { } givenOn) await courses.WriteAsync(givenOn, NpgsqlDbType.Date, cancellationToken);
                else await courses.WriteNullAsync(cancellationToken);
                await courses.WriteAsync(e.Consent.FromClinicDefault, NpgsqlDbType.Boolean, cancellationToken);
            }
            await courses.CompleteAsync(cancellationToken);
        }
        await using var checkIns = await connection.BeginBinaryImportAsync(CopyCheckIns, cancellationToken);
        foreach (var row in rows)
        {
            // The very planner a single enrolment uses: same offsets, same morning, same DST handling.
            foreach (var planned in CheckInPlanner.Plan(row.Enrolment.EndedOn, Zone(zones, row.Enrolment.TimeZone), schedule))
            {
                await checkIns.StartRowAsync(cancellationToken);
                await checkIns.WriteAsync(row.Line, NpgsqlDbType.Integer, cancellationToken);
                await checkIns.WriteAsync((short)planned.Sequence, NpgsqlDbType.Smallint, cancellationToken);
                await checkIns.WriteAsync(planned.OffsetDays, NpgsqlDbType.Integer, cancellationToken);
                await checkIns.WriteAsync(planned.DueAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await checkIns.WriteAsync(planned.ExpiresAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await checkIns.WriteAsync(planned.AsksPhq2, NpgsqlDbType.Boolean, cancellationToken);
                await checkIns.WriteAsync(planned.AsksMood, NpgsqlDbType.Boolean, cancellationToken);
            }
        }
        await checkIns.CompleteAsync(cancellationToken);
    }

    private static TimeZoneInfo Zone(Dictionary<string, TimeZoneInfo> zones, string id)
    {
        if (!zones.TryGetValue(id, out var zone)) zones[id] = zone = TimeZoneInfo.FindSystemTimeZoneById(id);
        return zone;
    }

    private const string CreateStaging = """
        CREATE TEMP TABLE import_courses (
            line int NOT NULL, import_key text NOT NULL, patient_name text NOT NULL, patient_email text NOT NULL,
            time_zone text NOT NULL, therapist_id bigint NOT NULL, started_on date NOT NULL, ended_on date NOT NULL,
            pain_at_start smallint NOT NULL, pain_at_end smallint, patient_clinic_id text, language text NOT NULL, language_given boolean NOT NULL,
            consent_method text NOT NULL, consent_on date, consent_default boolean NOT NULL, existing_course_id bigint, patient_id bigint, course_id bigint
        ) ON COMMIT DROP;
        CREATE TEMP TABLE import_check_ins (line int NOT NULL, sequence smallint NOT NULL, offset_days int NOT NULL, due_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL, asks_phq2 boolean NOT NULL, asks_mood boolean NOT NULL) ON COMMIT DROP;
        """;

    private const string CopyCourses = """
        COPY import_courses (line, import_key, patient_name, patient_email, time_zone, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, patient_clinic_id, language, language_given,
                            consent_method, consent_on, consent_default)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string CopyCheckIns = "COPY import_check_ins (line, sequence, offset_days, due_at, expires_at, asks_phq2, asks_mood) FROM STDIN (FORMAT BINARY)";
}
