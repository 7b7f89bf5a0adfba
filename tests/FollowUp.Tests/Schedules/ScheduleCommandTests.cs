using System.Text.Json;
using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Schedules;

/// <summary>Runs the built followup-admin against a real database: schedule, send and course-change commands.</summary>
public class ScheduleCommandTests
{
    [Fact]
    public async Task A_schedule_file_is_validated_saved_listed_and_previewed_for_a_course()
    {
        await using var clinic = await Clinic.OpenAsync(DateTimeOffset.UtcNow);
        var courseId = await clinic.EnrolAsync("Dana", timeZone: "America/Los_Angeles");
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));
        var file = Path.Combine(Path.GetTempPath(), $"schedule-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "name": "default", "window": { "start": "10:00", "end": "18:00" },
              "checkIns": [ { "weeks": 1 }, { "weeks": 2, "phq2": true } ],
              "templates": { "text": "Hi {{ patient_name }}!\n\n{{ questions }}" } }
            """);

        var validated = await Tool.RunAsync("followup-admin.dll", ["schedule", "validate", "--file", file], env);
        var saved = await Tool.RunAsync("followup-admin.dll", ["schedule", "set", "--file", file], env);
        var listed = await Tool.RunAsync("followup-admin.dll", ["schedule", "list"], env);
        var preview = await Tool.RunAsync("followup-admin.dll", ["schedule", "preview", "--course", $"{courseId}"], env);

        Assert.True(validated.ExitCode == 0, validated.Stderr);
        Assert.Equal("Schedule 'default' is valid: 2 check-ins, 1w 2w*.", validated.Stdout.Trim());
        Assert.True(saved.ExitCode == 0, saved.Stderr);
        Assert.Matches(@"default\s+10:00-18:00\s+-\s+none\s+1w 2w\*", listed.Stdout);
        Assert.True(preview.ExitCode == 0, preview.Stderr);
        Assert.Contains("times in America/Los_Angeles", preview.Stdout, StringComparison.Ordinal);
        // The course's check-ins keep their planned dates (09:00 local); the text is today's template.
        Assert.Matches(@"c\d+\s+\d{4}-\d\d-\d\d 09:00\s+planned", preview.Stdout);
        Assert.Contains("Hi Dana!", preview.Stdout, StringComparison.Ordinal);
        Assert.Contains("Reply STOP to stop these emails.", preview.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_template_in_a_schedule_file_is_one_line_on_stderr_with_line_and_column_and_exit_1()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var file = Path.Combine(Path.GetTempPath(), $"schedule-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "name": "x", "checkIns": [ { "weeks": 20 } ], "templates": { "text": "{{ questions }}\n{{ diagnosis }}" } }""");

        var run = await Tool.RunAsync("followup-admin.dll", ["schedule", "set", "--file", file, "--connection", connectionString]);

        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.Contains("check-in 1: offset 140 days is longer than 92 days", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("text template, line 2, column 4: unknown field 'diagnosis'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrolling_on_a_schedule_that_does_not_exist_is_one_line_and_exit_1()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var run = await Tool.RunAsync("followup-admin.dll", [
            "course", "enrol", "--patient-name", "Dana", "--patient-email", "dana@example.org", "--time-zone", "Europe/London",
            "--therapist-email", "sam@clinic.test", "--started-on", DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            "--ended-on", DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            "--pain-at-start", "7", "--schedule", "weekly", "--connection", connectionString]);

        Assert.Equal((1, "followup-admin: Cannot enrol: schedule 'weekly' does not exist (see 'followup-admin schedule list')"), (run.ExitCode, run.Stderr.Trim()));
    }

    [Fact]
    public async Task The_send_log_lists_a_course_as_json_and_one_planned_email_can_be_cancelled()
    {
        await using var clinic = await Clinic.OpenAsync(DateTimeOffset.UtcNow);
        var courseId = await clinic.EnrolAsync("Cal");
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));

        var listed = await Tool.RunAsync("followup-admin.dll", ["send", "list", "--course", $"{courseId}", "--json"], env);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var rows = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(6, rows.Count);
        var id = rows[0].GetProperty("id").GetString()!;

        var cancelled = await Tool.RunAsync("followup-admin.dll", ["send", "cancel", id], env);
        var again = await Tool.RunAsync("followup-admin.dll", ["send", "cancel", id], env);
        var paused = await Tool.RunAsync("followup-admin.dll", ["course", "pause", $"{courseId}"], env);
        var table = await Tool.RunAsync("followup-admin.dll", ["send", "list", "--course", $"{courseId}"], env);

        Assert.True(cancelled.ExitCode == 0, cancelled.Stderr);
        Assert.Equal((1, $"followup-admin: {id} is cancelled: only a planned email can be cancelled"), (again.ExitCode, again.Stderr.Trim()));
        Assert.Equal($"Course {courseId} is paused.", paused.Stdout.Trim());
        Assert.Matches($@"{id}\s+{courseId}\s+Cal\s+#1 check-in\s+.*cancelled\s+cancelled by cli:", table.Stdout);
        await using var db = new NpgsqlConnection(clinic.ConnectionString);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'check_in_cancelled'"));
    }
}
