using FollowUp.Alerts;
using FollowUp.Schedules;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FollowUp.Tests.DataProtection;

/// <summary>
/// A course whose scores retention removed keeps its row with no pain at start or end: every reader says the scores
/// were removed (or leaves them out) and none shows a pain of 0 the patient never gave.
/// </summary>
public class RemovedScoresTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_course_whose_scores_retention_removed_reads_as_removed_in_course_show_its_json_the_csv_export_the_patients_own_export_and_the_trajectory_never_as_pain_0()
    {
        await using var clinic = await Clinic.OpenAsync(Start, RetentionTests.Periods);
        await clinic.Schedules.SaveAsync(ScheduleFile.Parse(RetentionTests.OneCheckIn), "test", default);
        var (ann, _) = await RetentionTests.FollowedUpAsync(clinic, ("Ann", "Pain 3, mood good."));
        clinic.Clock.SetUtcNow(Start + TimeSpan.FromDays(130));
        await clinic.Services.GetRequiredService<FollowUp.DataProtection.Retention>().RunAsync("test", default);
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain, RetentionTests.Periods));
        var csv = Directory.CreateTempSubdirectory("followup-removed-");
        var now = (Start + TimeSpan.FromDays(130)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var show = await Tool.RunAsync("followup-admin.dll", ["course", "show", $"{ann}", "--now", now], env);
        var json = await Tool.RunAsync("followup-admin.dll", ["course", "show", $"{ann}", "--json", "--now", now], env);
        var export = await Tool.RunAsync("followup-admin.dll", ["export", "--format", "csv", "--out", Path.Combine(csv.FullName, "out"), "--now", now], env);
        var own = await Tool.RunAsync("followup-admin.dll", ["patient", "export", clinic.Address("ann"), "--output", Path.Combine(csv.FullName, "ann.zip"), "--now", now], env);
        var trajectory = await CourseTrajectory.ReadAsync(clinic.Data, ann, clinic.Services.GetRequiredService<IOptions<AlertOptions>>().Value, default);

        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("scores removed by retention on 2026-10-09", show.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("pain 0", show.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.Stderr);
        var course = System.Text.Json.Nodes.JsonNode.Parse(json.Stdout)!["course"]!;
        Assert.Null(course["pain_at_start"]);
        Assert.Null(course["pain_at_end"]);
        Assert.StartsWith("2026-10-09", (string?)course["scores_removed_at"], StringComparison.Ordinal);
        Assert.True(export.ExitCode == 0, export.Stderr);
        var courses = File.ReadAllLines(Path.Combine(csv.FullName, "out", "courses.csv"));
        var header = courses[0].Split(',');
        var row = courses.Single(l => l.StartsWith($"{ann},", StringComparison.Ordinal)).Split(',');
        Assert.Equal("", row[Array.IndexOf(header, "pain_at_start")]);
        Assert.Equal("", row[Array.IndexOf(header, "pain_at_end")]);
        Assert.True(own.ExitCode == 0, own.Stderr);
        using (var archive = System.IO.Compression.ZipFile.OpenRead(Path.Combine(csv.FullName, "ann.zip")))
        {
            using var readme = new StreamReader(archive.GetEntry("README.txt")!.Open());
            var words = await readme.ReadToEndAsync();
            Assert.Contains("its pain scores were removed on 2026-10-09", words, StringComparison.Ordinal);
            Assert.DoesNotContain("not recorded at the end", words, StringComparison.Ordinal);
        }
        Assert.True(trajectory.ScoresRemoved);
        Assert.All(trajectory.Points, p => Assert.Null(p.Pain));
        var text = TrajectoryText.Render(trajectory);
        Assert.Contains("(removed)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Alert zone", text, StringComparison.Ordinal);
        Assert.Contains("removed by retention", TrajectoryChart.Describe(trajectory), StringComparison.Ordinal);
    }
}
