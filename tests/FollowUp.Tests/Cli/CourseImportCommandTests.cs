using System.Text.Json;
using Dapper;
using FollowUp.CheckIns;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Cli;

/// <summary>
/// Runs the built <c>followup-admin course import</c> on the CSV corpus in Cli/Csv (messy real-world exports, each with
/// the report it must give in *.expected.txt) against the real database, and checks exit code, stdout and stored rows.
/// </summary>
public class CourseImportCommandTests
{
    // The corpus has fixed dates; the tool validates them as of this instant (courses ended within follow-up).
    internal const string Now = "2026-11-20T10:00:00Z";

    internal static string Csv(string name) => Path.Combine(AppContext.BaseDirectory, "Cli", "Csv", name);

    internal static async Task<string> ClinicDatabaseAsync()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync("""
            INSERT INTO therapists (email, name, created_at)
            VALUES ('sam@clinic.test', 'Sam Jones', now()), ('kim@clinic.test', 'Kim Lee', now())
            """);
        return connectionString;
    }

    private static Task<ToolRun> ImportAsync(string connectionString, string file, params string[] args) =>
        Tool.RunAsync("followup-admin.dll", ["course", "import", Csv(file), .. args, "--connection", connectionString, "--now", Now]);

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    [Theory]
    [InlineData("clean-iso", 0, 3, new string[0])]
    [InlineData("excel-bom-semicolon", 0, 2, new[] { "--culture", "en-GB", "--time-zone", "Europe/London" })]
    [InlineData("windows-1252", 0, 2, new[] { "--date-format", "dd.MM.yyyy", "--column-map", "windows-1252.map.json" })]
    [InlineData("clinic-fr", 0, 1, new[] { "--column-map", "clinic-fr.map.json", "--culture", "fr-FR", "--time-zone", "Europe/Paris" })]
    [InlineData("quoted-newlines", 1, 0, new[] { "--time-zone", "Europe/London" })]
    [InlineData("messy", 1, 0, new string[0])]
    public async Task Each_export_in_the_corpus_gives_its_expected_report_and_stores_all_or_nothing(string file, int exitCode, int courses, string[] args)
    {
        var connectionString = await ClinicDatabaseAsync();
        var fullArgs = args.Select(a => a.EndsWith(".json", StringComparison.Ordinal) ? Csv(a) : a).ToArray();

        var run = await ImportAsync(connectionString, file + ".csv", fullArgs);

        Assert.True(run.ExitCode == exitCode, run.Stderr);
        Assert.Equal(File.ReadAllText(Csv(file + ".expected.txt")).ReplaceLineEndings(), run.Stdout.ReplaceLineEndings());
        Assert.Equal(courses, await CountAsync(connectionString, "SELECT count(*) FROM courses"));
        Assert.Equal(courses * 6, await CountAsync(connectionString, "SELECT count(*) FROM check_ins WHERE status = 'planned'"));
        if (exitCode == 1)
        {
            Assert.Single(run.Stderr.Trim().Split('\n'));
            Assert.StartsWith("followup-admin: nothing imported: ", run.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Windows_1252_names_are_stored_as_written()
    {
        var connectionString = await ClinicDatabaseAsync();

        var run = await ImportAsync(connectionString, "windows-1252.csv", "--date-format", "dd.MM.yyyy", "--column-map", Csv("windows-1252.map.json"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        await using var connection = new NpgsqlConnection(connectionString);
        var names = (await connection.QueryAsync<string>("SELECT name || ' ' || time_zone FROM patients ORDER BY name")).ToList();
        Assert.Equal(["José Peña Europe/Madrid", "Zoë Müller Europe/Berlin"], names);
    }

    [Fact]
    public async Task Importing_the_same_file_again_adds_nothing_and_says_so()
    {
        var connectionString = await ClinicDatabaseAsync();

        var first = await ImportAsync(connectionString, "clean-iso.csv");
        var second = await ImportAsync(connectionString, "clean-iso.csv");

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("Enrolled 0 courses; 3 already enrolled (skipped); 0 rows rejected.", second.Stdout, StringComparison.Ordinal);
        // Piped, as here: no progress indicator on stderr.
        Assert.Equal("", first.Stderr + second.Stderr);
        Assert.Equal(3, await CountAsync(connectionString, "SELECT count(*) FROM courses"));
        Assert.Equal(3, await CountAsync(connectionString, "SELECT count(*) FROM patients"));
        Assert.Equal(18, await CountAsync(connectionString, "SELECT count(*) FROM check_ins"));
        Assert.Equal(3, await CountAsync(connectionString, "SELECT count(*) FROM audit_log WHERE kind = 'course.enrolled'"));
        Assert.Equal(2, await CountAsync(connectionString, "SELECT count(*) FROM audit_log WHERE kind = 'course.import'"));
    }

    [Fact]
    public async Task A_later_export_that_names_a_known_patients_language_changes_it_says_so_and_audits_it_and_an_empty_cell_changes_nothing()
    {
        var connectionString = await ClinicDatabaseAsync();
        Assert.Equal(0, (await ImportAsync(connectionString, "clean-iso.csv")).ExitCode);
        var later = Path.Combine(Path.GetTempPath(), $"followup-later-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(later, """
            import_key,patient_name,patient_email,time_zone,therapist,started_on,ended_on,pain_at_start,pain_at_end,language
            R-1001,Dana Example,dana@example.org,Europe/London,sam@clinic.test,2026-10-01,2026-11-05,8,3,Deutsch
            R-1002,Eli Sample,eli@example.org,America/New_York,kim@clinic.test,2026-09-15,2026-10-20,6,,
            R-1003,Fay Test,fay@example.org,Australia/Sydney,Kim Lee,2026-10-10,2026-11-14,7,2,en

            """);
        try
        {
            var run = await Tool.RunAsync("followup-admin.dll", ["course", "import", later, "--connection", connectionString, "--now", Now]);

            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Contains("Note: line 2: Dana Example's language changed from en to de.", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("Eli Sample's language", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("Fay Test's language", run.Stdout, StringComparison.Ordinal);
            await using var connection = new NpgsqlConnection(connectionString);
            Assert.Equal(["de", "en", "en"], (await connection.QueryAsync<string>("SELECT language FROM patients ORDER BY name")).ToArray());
            var audit = await connection.QuerySingleAsync<string>("SELECT detail::text FROM audit_log WHERE kind = 'patient.language_changed'");
            Assert.Contains("\"before\": {\"language\": \"en\"}", audit, StringComparison.Ordinal);
            Assert.Contains("\"after\": {\"language\": \"de\"}", audit, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(later);
        }
    }

    [Fact]
    public async Task A_course_enrolled_by_hand_is_recognised_by_patient_address_and_dates()
    {
        var connectionString = await ClinicDatabaseAsync();
        var enrol = await Tool.RunAsync("followup-admin.dll",
        [
            "course", "enrol", "--patient-name", "Dana Example", "--patient-email", "DANA@example.org", "--time-zone", "Europe/London",
            "--therapist-email", "sam@clinic.test", "--started-on", "2026-10-01", "--ended-on", "2026-11-05", "--pain-at-start", "8",
            "--connection", connectionString, "--now", Now,
        ]);
        Assert.True(enrol.ExitCode == 0, enrol.Stderr);

        var run = await ImportAsync(connectionString, "clean-iso.csv");

        Assert.Contains("Enrolled 2 courses; 1 already enrolled (skipped); 0 rows rejected.", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, await CountAsync(connectionString, "SELECT count(*) FROM courses"));
    }

    [Fact]
    public async Task Valid_rows_only_enrols_the_good_rows_and_reports_the_others_as_json()
    {
        var connectionString = await ClinicDatabaseAsync();

        var run = await ImportAsync(connectionString, "messy.csv", "--valid-rows-only", "--json");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var report = JsonDocument.Parse(run.Stdout);
        var problems = report.RootElement.GetProperty("row_problems").EnumerateArray().ToList();
        Assert.Equal([3, 4, 4, 6, 7, 8, 9, 10], problems.Select(p => p.GetProperty("line").GetInt32()));
        Assert.Equal("Practitioner", problems[3].GetProperty("column").GetString());
        Assert.Equal([2, 11], report.RootElement.GetProperty("enrolled").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()));
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(["good@example.org", "second@example.org"], await connection.QueryAsync<string>("SELECT email FROM patients ORDER BY email"));
    }

    [Fact]
    public async Task Ten_thousand_rows_are_enrolled_with_check_ins_planned_as_for_a_single_enrolment()
    {
        var connectionString = await ClinicDatabaseAsync();

        var run = await ImportAsync(connectionString, "courses-10000.csv");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(10_000, await CountAsync(connectionString, "SELECT count(*) FROM courses"));
        Assert.Equal(60_000, await CountAsync(connectionString, "SELECT count(*) FROM check_ins"));
        await using var connection = new NpgsqlConnection(connectionString);
        var samples = await connection.QueryAsync<(DateOnly EndedOn, string TimeZone, long CourseId)>("""
            SELECT c.ended_on, p.time_zone, c.id FROM courses c JOIN patients p ON p.id = c.patient_id ORDER BY c.id LIMIT 50
            """);
        foreach (var (endedOn, zone, courseId) in samples)
        {
            var expected = CheckInPlanner.Plan(endedOn, TimeZoneInfo.FindSystemTimeZoneById(zone), FollowUp.Schedules.Schedule.Default).Select(p => p.DueAt.UtcDateTime);
            var stored = await connection.QueryAsync<DateTime>("SELECT due_at FROM check_ins WHERE course_id = @courseId ORDER BY sequence", new { courseId });
            Assert.Equal(expected, stored);
        }
    }

    [Fact]
    public async Task A_file_without_the_needed_columns_names_them_on_one_line()
    {
        var connectionString = await ClinicDatabaseAsync();

        var run = await ImportAsync(connectionString, "clinic-fr.csv", "--time-zone", "Europe/Paris");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("no column for patient_name, patient_email, therapist, started_on, ended_on, pain_at_start among the headers 'Nom du patient'", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "no-such-file.csv", "--culture", "en-GB")]
    [InlineData(1, "clean-iso.csv", "--culture", "xx-NOWHERE")]
    [InlineData(1, "clean-iso.csv", "--separator", "#")]
    public async Task A_bad_file_or_option_value_is_one_line_and_exit_code_1(int exitCode, string file, params string[] args)
    {
        var connectionString = await ClinicDatabaseAsync();

        var run = await ImportAsync(connectionString, file, args);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_without_a_file_is_a_usage_error_with_exit_code_2()
    {
        var run = await Tool.RunAsync("followup-admin.dll", ["course", "import"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("FILE", run.Stderr, StringComparison.Ordinal);
    }
}
