using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Cli;

/// <summary>Patients are people: the clinic's own identifier finds a patient first, and is never given to someone else.</summary>
public class PatientIdentifierTests
{
    private static Task<ToolRun> RunAsync(string connectionString, params string[] args) =>
        Tool.RunAsync("followup-admin.dll", [.. args, "--connection", connectionString, "--now", CourseImportCommandTests.Now]);

    private static string[] Enrol(string name, string email, string started, string ended, string clinicId) =>
        ["course", "enrol", "--patient-name", name, "--patient-email", email, "--time-zone", "Europe/Berlin", "--therapist-email", "sam@clinic.test",
         "--started-on", started, "--ended-on", ended, "--pain-at-start", "7", "--patient-id", clinicId];

    [Fact]
    public async Task A_second_course_with_the_same_patient_id_is_filed_under_that_patient_and_the_id_is_refused_for_another_address()
    {
        var connectionString = await CourseImportCommandTests.ClinicDatabaseAsync();

        var first = await RunAsync(connectionString, Enrol("Jonas Weber", "jonas@example.org", "2026-10-01", "2026-11-05", "MRN-4711"));
        var second = await RunAsync(connectionString, Enrol("Jonas Weber", "JONAS@example.org", "2026-11-06", "2026-11-10", "MRN-4711"));
        var other = await RunAsync(connectionString, Enrol("Lea Weber", "family.weber@example.org", "2026-11-06", "2026-11-10", "MRN-4711"));

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("patient id 'MRN-4711' is patient", other.Stderr, StringComparison.Ordinal);
        Assert.Contains("not Lea Weber <family.weber@example.org>", other.Stderr, StringComparison.Ordinal);
        await using var db = new NpgsqlConnection(connectionString);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM patients"));
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM courses WHERE patient_id = (SELECT id FROM patients WHERE clinic_id = 'MRN-4711')"));
        var courseId = await db.ExecuteScalarAsync<long>("SELECT min(id) FROM courses");
        var shown = await RunAsync(connectionString, "course", "show", courseId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("Patient id: MRN-4711", shown.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_finds_patients_by_their_clinic_number_first_and_reports_the_same_number_at_another_address_without_merging()
    {
        var connectionString = await CourseImportCommandTests.ClinicDatabaseAsync();
        var enrolled = await RunAsync(connectionString, Enrol("Jonas Weber", "jonas@example.org", "2026-10-01", "2026-11-05", "4711"));
        Assert.True(enrolled.ExitCode == 0, enrolled.Stderr);
        // A German practice's export: its own column names, a family address, and one number typed onto the wrong row.
        var csv = Path.Combine(Path.GetTempPath(), $"patientennummer-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, """
            Patientennummer;Name;E-Mail;Zeitzone;Therapeut;Beginn;Ende;Schmerz vorher
            4711;Jonas Weber;jonas@example.org;Europe/Berlin;sam@clinic.test;06.11.2026;10.11.2026;6
            4712;Lea Weber;familie.weber@example.org;Europe/Berlin;sam@clinic.test;01.11.2026;09.11.2026;5
            4713;Tom Weber;familie.weber@example.org;Europe/Berlin;sam@clinic.test;01.11.2026;09.11.2026;4
            4711;Mia Weber;familie.weber@example.org;Europe/Berlin;sam@clinic.test;02.11.2026;10.11.2026;8
            """);
        var map = Path.Combine(Path.GetTempPath(), $"patientennummer-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(map, """{ "started_on": "Beginn", "ended_on": "Ende", "pain_at_start": "Schmerz vorher", "therapist": "Therapeut", "time_zone": "Zeitzone" }""");

        var run = await RunAsync(connectionString, "course", "import", csv, "--column-map", map, "--date-format", "dd.MM.yyyy", "--valid-rows-only");

        var output = run.Stdout + run.Stderr;
        Assert.True(run.ExitCode == 0, output);
        Assert.Contains("patient id '4711' is patient", output, StringComparison.Ordinal);
        Assert.Contains("not Mia Weber <familie.weber@example.org>: not merged", output, StringComparison.Ordinal);
        Assert.True(output.Contains("familie.weber@example.org is shared by Lea Weber, Tom Weber", StringComparison.Ordinal), output);
        await using var db = new NpgsqlConnection(connectionString);
        var patients = (await db.QueryAsync<(string Name, string? ClinicId, int Courses)>(
            "SELECT p.name, p.clinic_id, count(c.id)::int FROM patients p LEFT JOIN courses c ON c.patient_id = p.id GROUP BY p.id ORDER BY p.name")).ToList();
        Assert.Equal([("Jonas Weber", "4711", 2), ("Lea Weber", "4712", 1), ("Tom Weber", "4713", 1)], patients);
    }
}
