using System.Text.Json;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Cli;

public class AuditAndConfigCommandTests
{
    [Fact]
    public async Task Audit_list_filters_by_kind_and_course_and_prints_json()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "sam@clinic.test", "--actor", "ops", "--connection", connectionString]);
        await Tool.RunAsync("followup-admin.dll", ["therapist", "add", "--email", "kim@clinic.test", "--name", "Kim Lee", "--actor", "ops", "--connection", connectionString]);
        var import = await Tool.RunAsync("followup-admin.dll",
            ["course", "import", Path.Combine(AppContext.BaseDirectory, "Cli", "Csv", "clean-iso.csv"), "--actor", "manager", "--connection", connectionString, "--now", "2026-11-20T10:00:00Z"]);
        Assert.True(import.ExitCode == 0, import.Stdout + import.Stderr);

        var courses = await Tool.RunAsync("followup-admin.dll", ["audit", "list", "--kind", "course.", "--json", "--connection", connectionString]);
        var one = await Tool.RunAsync("followup-admin.dll", ["audit", "list", "--kind", "course.enrolled", "--course", "1", "--json", "--connection", connectionString]);
        var none = await Tool.RunAsync("followup-admin.dll", ["audit", "list", "--until", "2000-01-01", "--connection", connectionString]);
        var bad = await Tool.RunAsync("followup-admin.dll", ["audit", "list", "--since", "last tuesday", "--connection", connectionString]);

        Assert.True(courses.ExitCode == 0, courses.Stderr);
        using var all = JsonDocument.Parse(courses.Stdout);
        Assert.Equal(4, all.RootElement.GetArrayLength()); // 3 × course.enrolled + 1 course.import, no therapist rows
        Assert.All(all.RootElement.EnumerateArray(), r => Assert.Equal("manager", r.GetProperty("actor").GetString()));
        using var single = JsonDocument.Parse(one.Stdout);
        var row = Assert.Single(single.RootElement.EnumerateArray());
        Assert.Equal("R-1001", row.GetProperty("detail").GetProperty("after").GetProperty("import_key").GetString()![4..]);
        Assert.Equal("No audit rows match.", none.Stdout.Trim().Split('\n')[^1]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("--since: 'last tuesday' is not a date", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_says_OK_for_good_settings_and_names_each_bad_key()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var settings = Tool.AsEnvironment(Clinic.Settings(connectionString, TestServers.UniqueDomain("config")));

        var good = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);
        settings["FollowUp__Smtp__Port"] = "70000";
        settings["FollowUp__Clinic__TokenKey"] = "short";
        var bad = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);

        Assert.True(good.ExitCode == 0, good.Stdout + good.Stderr);
        Assert.Equal("OK: every setting is valid.", good.Stdout.Trim().Split('\n')[^1]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("FollowUp:Smtp:Port must be between 1 and 65535 (was 70000)", bad.Stdout, StringComparison.Ordinal);
        Assert.Contains("FollowUp:Clinic:TokenKey must be at least 32 characters", bad.Stdout, StringComparison.Ordinal);
        Assert.Equal("followup-admin: 2 setting problem(s); the worker would not start", bad.Stderr.Trim());
    }
}
