using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Cli;

/// <summary><c>course import</c> given what an admin may really give it: a family address, a damaged export, the wrong file.</summary>
public class CourseImportInputTests
{
    private static string Csv(string name) => CourseImportCommandTests.Csv(name);

    private static Task<string> ClinicDatabaseAsync() => CourseImportCommandTests.ClinicDatabaseAsync();

    private static Task<ToolRun> ImportAsync(string connectionString, string path, params string[] args) =>
        Tool.RunAsync("followup-admin.dll", ["course", "import", path, .. args, "--connection", connectionString, "--now", CourseImportCommandTests.Now]);

    [Fact]
    public async Task Two_patients_sharing_a_family_address_stay_two_people_and_the_import_says_so()
    {
        var connectionString = await ClinicDatabaseAsync();

        var run = await ImportAsync(connectionString, Csv("family-address.csv"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(File.ReadAllText(Csv("family-address.expected.txt")).ReplaceLineEndings(), run.Stdout.ReplaceLineEndings());
        await using var db = new NpgsqlConnection(connectionString);
        var courses = (await db.QueryAsync<(string ImportKey, string Name)>(
            "SELECT c.import_key, p.name FROM courses c JOIN patients p ON p.id = c.patient_id ORDER BY c.import_key")).ToList();
        Assert.Equal([("key:R-2001", "Ana Silva"), ("key:R-2002", "Ben Silva"), ("key:R-2003", "Ana Silva")], courses);
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM patients"));
    }

    [Fact]
    public async Task A_utf8_export_with_one_stray_byte_is_refused_naming_its_line_and_nothing_is_garbled_or_stored()
    {
        var connectionString = await ClinicDatabaseAsync();

        var run = await ImportAsync(connectionString, Csv("utf8-stray-byte.csv"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the file is UTF-8 but has bytes that are not UTF-8 on line 3", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Ã", run.Stdout + run.Stderr, StringComparison.Ordinal);
        await using var db = new NpgsqlConnection(connectionString);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM courses"));
    }

    [Fact]
    public async Task Importing_dev_zero_is_refused_at_once_as_not_a_regular_file()
    {
        var connectionString = await ClinicDatabaseAsync();

        var run = await ImportAsync(connectionString, "/dev/zero");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("followup-admin: /dev/zero: is not a regular file (a device, a pipe or a file that changes while read)", run.Stderr.Trim());
    }

    [Fact]
    public async Task A_text_file_that_is_no_export_is_refused_without_echoing_its_first_line()
    {
        var connectionString = await ClinicDatabaseAsync();
        // A readable system file picked by mistake (or on purpose): its first line is someone's secret.
        var shadow = Path.Combine(Path.GetTempPath(), $"shadow-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(shadow, "root:x:0:0:SECRET-FIRST-LINE:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n");

        var run = await ImportAsync(connectionString, shadow);

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain("SECRET-FIRST-LINE", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Contains("this is not a CSV export of courses (its content is not shown)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_csv_is_refused_without_echoing_its_content()
    {
        var connectionString = await ClinicDatabaseAsync();
        // What an admin picks by mistake: the spreadsheet itself (a ZIP), or some binary with a readable first line.
        var xlsx = Path.Combine(Path.GetTempPath(), $"courses-{Guid.NewGuid():N}.xlsx");
        await File.WriteAllBytesAsync(xlsx, [.. "PK\u0003\u0004"u8, .. "secret-first-line patient@example.org\n"u8, 0, 0, 1, 2]);
        var binary = Path.Combine(Path.GetTempPath(), $"courses-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(binary, [.. "secret-first-line patient@example.org\n"u8, 0, 1, 2, 3, 0, 0]);

        var runs = new[] { await ImportAsync(connectionString, xlsx), await ImportAsync(connectionString, binary) };

        Assert.All(runs, run =>
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Single(run.Stderr.Trim().Split('\n'));
            Assert.DoesNotContain("secret-first-line", run.Stdout + run.Stderr, StringComparison.Ordinal);
        });
        Assert.Contains("is a ZIP archive (an Excel .xlsx or .ods?), not a CSV file", runs[0].Stderr, StringComparison.Ordinal);
        Assert.Contains("is not a text file (it has NUL bytes)", runs[1].Stderr, StringComparison.Ordinal);
    }
}
