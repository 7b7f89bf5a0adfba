using System.Text.Json;
using Dapper;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Cli;

public class TherapistCommandTests
{
    [Fact]
    public async Task Adding_a_therapist_lists_them_and_audits_who_added_them()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var add = await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "sam@clinic.test", "--name", "Sam Jones", "--actor", "manager@clinic", "--connection", connectionString]);
        var rename = await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "SAM@clinic.test", "--name", "Samantha Jones", "--actor", "manager@clinic", "--connection", connectionString]);
        var list = await Tool.RunAsync("followup-admin.dll", ["therapist", "list", "--json", "--connection", connectionString]);

        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Matches(@"^Added therapist \d+\.", add.Stdout);
        Assert.Matches(@"^Therapist \d+ was already known; name updated\.", rename.Stdout);
        using var json = JsonDocument.Parse(list.Stdout);
        var therapist = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("Samantha Jones", therapist.GetProperty("name").GetString());
        await using var connection = new NpgsqlConnection(connectionString);
        var audit = (await connection.QueryAsync<(string Actor, string Kind, string Detail)>("SELECT actor, kind, detail::text FROM audit_log ORDER BY id")).ToList();
        Assert.Equal(["therapist.added", "therapist.changed"], audit.Select(a => a.Kind));
        Assert.All(audit, a => Assert.Equal("manager@clinic", a.Actor));
        Assert.Contains("\"before\": {\"name\": \"Sam Jones\"", audit[1].Detail, StringComparison.Ordinal);
        Assert.Contains("\"after\": {\"name\": \"Samantha Jones\"", audit[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_therapist_address_is_one_line_and_exit_code_1()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var run = await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "sam-at-clinic", "--connection", connectionString]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("followup-admin: --email: 'sam-at-clinic' is not an email address", run.Stderr.Trim());
    }
}

public class CourseShowCommandTests
{
    [Fact]
    public async Task Course_show_prints_the_course_with_its_six_planned_check_ins()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "sam@clinic.test", "--name", "Sam Jones", "--connection", connectionString]);
        await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "kim@clinic.test", "--name", "Kim Lee", "--connection", connectionString]);
        await Tool.RunAsync("followup-admin.dll", ["course", "import", Path.Combine(AppContext.BaseDirectory, "Cli", "Csv", "clean-iso.csv"), "--connection", connectionString, "--now", "2026-11-20T10:00:00Z"]);

        var show = await Tool.RunAsync("followup-admin.dll", ["course", "show", "1", "--connection", connectionString]);
        var json = await Tool.RunAsync("followup-admin.dll", ["course", "show", "1", "--json", "--connection", connectionString]);
        var missing = await Tool.RunAsync("followup-admin.dll", ["course", "show", "999", "--connection", connectionString]);

        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.StartsWith("Course 1 (active): Dana Example <dana@example.org>, Europe/London", show.Stdout, StringComparison.Ordinal);
        Assert.Contains(" 1  2026-11-12 09:00  planned", show.Stdout, StringComparison.Ordinal); // the window opens at 09:00 London, 09:00 UTC in November
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(6, document.RootElement.GetProperty("check_ins").GetArrayLength());
        Assert.Equal("Sam Jones <sam@clinic.test>", document.RootElement.GetProperty("course").GetProperty("therapist").GetString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("followup-admin: there is no course 999; see followup-admin course list", missing.Stderr.Trim());
    }
}
