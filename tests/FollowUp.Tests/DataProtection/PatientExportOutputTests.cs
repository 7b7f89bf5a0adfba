using FollowUp.Tests.Cli;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.DataProtection;

/// <summary>Where a patient's archive may be written: a bad --output is one line, and no copy of the data is left behind.</summary>
public class PatientExportOutputTests
{
    [Fact]
    public async Task An_export_to_a_folder_or_an_impossible_path_is_refused_in_one_line_and_leaves_no_partial_archive()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        await clinic.EnrolAsync("Dana");
        var environment = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));
        var folder = Directory.CreateTempSubdirectory("followup-export-");
        Task<ToolRun> Export(string output) => Tool.RunAsync("followup-admin.dll", ["patient", "export", clinic.Address("dana"), "--output", output], environment);

        var toFolder = await Export(folder.FullName + Path.DirectorySeparatorChar);
        var tooLong = await Export(Path.Combine(folder.FullName, new string('a', 5000)));
        var written = await Export(Path.Combine(folder.FullName, "dana.zip"));

        Assert.True(toFolder.ExitCode == 1, toFolder.Stderr);
        Assert.Contains("is a folder", toFolder.Stderr, StringComparison.Ordinal);
        Assert.True(tooLong.ExitCode == 1, tooLong.Stderr);
        Assert.Single(tooLong.Stderr.Trim().Split('\n'));
        Assert.True(written.ExitCode == 0, written.Stderr);
        Assert.Equal(["dana.zip"], folder.GetFiles().Select(f => f.Name));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder.FullName, "dana.zip")));
    }
}

public class RetentionSettingCommandTests
{
    [Theory]
    [InlineData("FollowUp__Retention__Scores", "abc")]
    [InlineData("FollowUp__Retention__RunAt", "25:00")]
    public async Task A_retention_setting_that_is_not_of_its_type_is_a_one_line_configuration_error(string key, string value)
    {
        var connectionString = await CourseImportCommandTests.ClinicDatabaseAsync();

        var run = await Tool.RunAsync("followup-admin.dll", ["retention", "preview", "--connection", connectionString],
            new Dictionary<string, string?> { [key] = value });

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("followup-admin: configuration error:", run.Stderr.Trim(), StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.Ordinal);
    }
}
