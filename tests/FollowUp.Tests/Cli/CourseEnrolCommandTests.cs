using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Cli;

/// <summary>Runs the built followup-admin against the real database, as seqcli's end-to-end tests do.</summary>
public class CourseEnrolCommandTests
{
    private static string[] Enrol(string email, string timeZone = "Europe/London", string startedOn = "2026-10-01", string painAtStart = "8") =>
    [
        "course", "enrol", "--patient-name", "Dana Example", "--patient-email", email, "--time-zone", timeZone,
        "--therapist-email", "sam@clinic.test", "--started-on", startedOn, "--ended-on", DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        "--pain-at-start", painAtStart, "--pain-at-end", "3",
    ];

    [Fact]
    public async Task Enrolling_a_course_stores_it_and_plans_six_check_ins()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var run = await Tool.RunAsync("followup-admin.dll", [.. Enrol("dana@example.org"), "--connection", connectionString]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Matches(@"^Enrolled course \d+ for Dana Example: 6 check-ins planned, the first on \d{4}-\d\d-\d\d 09:00 Europe/London\.", run.Stdout);
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(6, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'planned'"));
        Assert.Equal(Environment.UserName, await connection.ExecuteScalarAsync<string>("SELECT actor FROM audit_log WHERE kind = 'course.enrolled'"));
    }

    [Theory]
    [InlineData("dana@example.org", "Mars/Olympus", "2026-10-01", "8", "time zone 'Mars/Olympus' is not an IANA time zone id")]
    [InlineData("not-an-address", "Europe/London", "2026-10-01", "8", "patient email 'not-an-address' is not an email address")]
    [InlineData("dana@example.org", "Europe/London", "2026-13-01", "8", "--started-on: '2026-13-01' is not a date")]
    [InlineData("dana@example.org", "Europe/London", "2026-10-01", "eleven", "--pain-at-start: 'eleven' is not a pain score")]
    [InlineData("dana@example.org", "Europe/London", "2026-10-01", "11", "--pain-at-start: '11' is not a pain score")]
    public async Task A_bad_value_gets_one_clear_line_exit_code_1_and_nothing_stored(string email, string zone, string startedOn, string pain, string expected)
    {
        var connectionString = await TestDatabase.CreateAsync();

        var run = await Tool.RunAsync("followup-admin.dll", [.. Enrol(email, zone, startedOn, pain), "--connection", connectionString]);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM courses"));
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error_with_exit_code_2()
    {
        var run = await Tool.RunAsync("followup-admin.dll", ["course", "enrol", "--patient-name", "Dana"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--patient-email", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_migrate_on_an_empty_database_applies_every_script_and_then_nothing()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync();

        var first = await Tool.RunAsync("followup-admin.dll", ["db", "migrate", "--connection", connectionString]);
        var second = await Tool.RunAsync("followup-admin.dll", ["db", "migrate", "--connection", connectionString]);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.StartsWith("Applied ", first.Stdout, StringComparison.Ordinal);
        Assert.Equal("The database schema is up to date.", second.Stdout.Trim());
    }
}
