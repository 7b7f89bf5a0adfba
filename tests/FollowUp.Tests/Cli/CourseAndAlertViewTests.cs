using System.Globalization;
using System.Text.Json;
using Dapper;
using FollowUp.Tests.Alerts;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Cli;

/// <summary>What followup-admin shows of a course, its alerts and its send log, read as a newcomer reads it.</summary>
public class CourseAndAlertViewTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Alert_show_draws_the_trajectory_with_the_clinics_own_alert_settings()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Max", painAtStart: 8, painAtEnd: 3);
        await AlertLifecycleTests.AnswerAsync(clinic, "max", "Pain 3", "Pain 7");
        await using var db = await clinic.Data.OpenConnectionAsync();
        var alertId = (await db.ExecuteScalarAsync<long>("SELECT id FROM alerts")).ToString(CultureInfo.InvariantCulture);
        var settings = Clinic.Settings(clinic.ConnectionString, clinic.Domain);

        var defaults = await Tool.RunAsync("followup-admin.dll", ["alert", "show", alertId], Tool.AsEnvironment(settings));
        settings["FollowUp:Alerts:WorseningRise"] = "3";
        var clinics = await Tool.RunAsync("followup-admin.dll", ["alert", "show", alertId], Tool.AsEnvironment(settings));

        Assert.True(defaults.ExitCode == 0, defaults.Stderr);
        Assert.True(clinics.ExitCode == 0, clinics.Stderr);
        Assert.Contains("  Alert zone: pain 5 or more.", defaults.Stdout, StringComparison.Ordinal);
        Assert.Contains("  Alert zone: pain 6 or more.", clinics.Stdout, StringComparison.Ordinal);
        Assert.Contains("  Week 2        2026-11-16   7  #######", clinics.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Course_show_as_json_carries_each_replys_status_phq2_items_own_words_and_how_it_was_read()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Ida", painAtStart: 8, painAtEnd: 3);
        await AlertLifecycleTests.AnswerAsync(clinic, "ida", "Pain 3, mood 8\n1, 2", "Pain 3-4, mood good");

        var json = await Tool.RunAsync("followup-admin.dll", ["course", "show", courseId.ToString(CultureInfo.InvariantCulture), "--json"],
            Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain)));
        var table = await Tool.RunAsync("followup-admin.dll", ["course", "show", courseId.ToString(CultureInfo.InvariantCulture)],
            Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain)));

        Assert.True(json.ExitCode == 0, json.Stderr);
        var replies = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("replies").EnumerateArray().ToList();
        Assert.Equal(2, replies.Count);
        Assert.Equal("complete", replies[0].GetProperty("answer_status").GetString());
        Assert.Equal(1, replies[0].GetProperty("phq2_a").GetInt32());
        Assert.Equal(2, replies[0].GetProperty("phq2_b").GetInt32());
        Assert.StartsWith("Pain 3, mood 8", replies[0].GetProperty("answer_text").GetString(), StringComparison.Ordinal);
        Assert.Equal("partial", replies[1].GetProperty("answer_status").GetString());
        Assert.Equal(JsonValueKind.Null, replies[1].GetProperty("pain").ValueKind);
        Assert.Contains("pain", replies[1].GetProperty("read_as").GetString(), StringComparison.Ordinal);
        Assert.Contains("partial", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("read as: ", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_send_log_heads_its_kind_column_KIND_and_shows_the_patients_time_zone_in_full()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Cal", timeZone: "America/Argentina/Buenos_Aires");

        var table = await Tool.RunAsync("followup-admin.dll", ["send", "list", "--course", courseId.ToString(CultureInfo.InvariantCulture)],
            Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain)));

        Assert.True(table.ExitCode == 0, table.Stderr);
        var lines = table.Stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^ID\s+COURSE\s+PATIENT\s+KIND\s+DUE \(PATIENT TIME\)\s+ZONE\s+STATUS\s+REASON$", lines[0]);
        Assert.DoesNotContain("EMAIL", lines[0], StringComparison.Ordinal);
        Assert.Equal(6, lines.Count(l => l.Contains(" America/Argentina/Buenos_Aires ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Status_without_a_worker_ends_its_table_with_a_blank_line_so_the_error_stands_on_its_own_line()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var run = await Tool.RunAsync("followup-admin.dll", ["status", "--connection", connectionString]);

        Assert.Equal(1, run.ExitCode);
        Assert.EndsWith("not yet emailed to the therapist)\n\n", run.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("followup-admin: no worker is running: no node of the cluster has checked in recently\n", run.Stderr.ReplaceLineEndings("\n"));
    }
}
