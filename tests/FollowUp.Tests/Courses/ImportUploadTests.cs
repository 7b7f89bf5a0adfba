using System.Text;
using Dapper;
using FollowUp.Courses;
using FollowUp.Courses.Import;
using FollowUp.DataProtection;
using FollowUp.Tests.Support;
using FollowUp.Users;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.Courses;

/// <summary>
/// An export uploaded on the web face, kept in course_import_uploads: started again from the stored file when its web
/// server died mid-way (exactly once: no course twice), and removed by the daily retention run once done, or stale.
/// </summary>
public class ImportUploadTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    private static byte[] Export(string domain) => Encoding.UTF8.GetBytes(
        "import_key,patient_name,patient_email,time_zone,therapist,started_on,ended_on,pain_at_start,pain_at_end\n"
        + $"R-1,Hannah Becker,hannah@{domain},Europe/Berlin,sam@{domain},2026-09-28,2026-10-30,7,3\n"
        + $"R-2,Tom O'Neill,tom@{domain},Europe/London,sam@{domain},2026-10-01,2026-10-29,6,2\n");

    private static async Task<(ImportUploads Uploads, long UserId)> ReadyAsync(Clinic clinic)
    {
        await clinic.Services.GetRequiredService<Therapists>().AddAsync(clinic.Address("sam"), "Sam", "test", default);
        var (admin, _) = await clinic.Services.GetRequiredService<UserDirectory>().AddAsync(clinic.Address("admin"), Roles.Admin, "Ada", "test", default);
        return (clinic.Services.GetRequiredService<ImportUploads>(), admin.Id);
    }

    private static async Task<T> ScalarAsync<T>(Clinic clinic, string sql, object? args = null)
    {
        await using var connection = await clinic.Data.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, args);
    }

    [Fact]
    public async Task An_import_whose_web_server_died_while_storing_is_started_again_from_the_stored_file_and_stores_no_course_twice()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (uploads, admin) = await ReadyAsync(clinic);
        var content = Export(clinic.Domain);
        var id = await uploads.AddAsync(admin, "export.csv", content, new UploadSettings(null, null, null), default);
        await uploads.RunAsync(id, ImportMode.DryRun, "admin", default);
        Assert.True(await uploads.BeginStoringAsync(id, default));
        // The node's import committed its courses, then the node died before it could write 'stored' on the upload.
        await clinic.Services.GetRequiredService<CourseImport>().ImportAsync(content, "export.csv", new ImportSettings(), ImportMode.AllOrNothing, "admin", null, default);

        Assert.False(await uploads.RestartAsync(id, default)); // still counts as running: it wrote progress a moment ago
        clinic.Clock.Advance(ImportUploads.StalledAfter + TimeSpan.FromMinutes(1));
        Assert.True(uploads.Stalled((await uploads.FindAsync(id, default))!));
        Assert.True(await uploads.RestartAsync(id, default));
        Assert.False(await uploads.RestartAsync(id, default)); // a second click starts nothing
        await uploads.RunAsync(id, ImportMode.DryRun, "admin", default);
        var rechecked = (await uploads.FindAsync(id, default))!;
        Assert.Equal("checked", rechecked.Status);
        Assert.Contains("\"already_enrolled\"", rechecked.Report, StringComparison.Ordinal);
        Assert.True(await uploads.BeginStoringAsync(id, default));
        await uploads.RunAsync(id, ImportMode.AllOrNothing, "admin", default);

        Assert.Equal("stored", (await uploads.FindAsync(id, default))!.Status);
        Assert.Equal(2, await ScalarAsync<int>(clinic, "SELECT count(*) FROM courses"));
        Assert.Equal(2, await ScalarAsync<int>(clinic, "SELECT count(*) FROM patients"));
    }

    [Fact]
    public async Task A_failed_import_is_started_again_and_a_checked_or_stored_one_is_not()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (uploads, admin) = await ReadyAsync(clinic);
        var id = await uploads.AddAsync(admin, "export.csv", Export(clinic.Domain), new UploadSettings(null, null, null), default);
        await uploads.RunAsync(id, ImportMode.DryRun, "admin", default);
        Assert.False(await uploads.RestartAsync(id, default));
        await using (var connection = await clinic.Data.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE course_import_uploads SET status = 'failed' WHERE id = @id", new { id });

        Assert.True(await uploads.RestartAsync(id, default));
        await uploads.RunAsync(id, ImportMode.DryRun, "admin", default);
        Assert.True(await uploads.BeginStoringAsync(id, default));
        await uploads.RunAsync(id, ImportMode.AllOrNothing, "admin", default);
        Assert.False(await uploads.RestartAsync(id, default));
        Assert.Equal(2, await ScalarAsync<int>(clinic, "SELECT count(*) FROM courses"));
    }

    [Fact]
    public async Task The_retention_run_removes_an_upload_a_week_after_it_was_stored_and_one_never_stored_after_thirty_days()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (uploads, admin) = await ReadyAsync(clinic);
        var stored = await uploads.AddAsync(admin, "stored.csv", Export(clinic.Domain), new UploadSettings(null, null, null), default);
        await uploads.RunAsync(stored, ImportMode.DryRun, "admin", default);
        await uploads.BeginStoringAsync(stored, default);
        await uploads.RunAsync(stored, ImportMode.AllOrNothing, "admin", default);
        var left = await uploads.AddAsync(admin, "left.csv", Export(clinic.Domain), new UploadSettings(null, null, null), default);
        await uploads.RunAsync(left, ImportMode.DryRun, "admin", default);
        clinic.Clock.Advance(TimeSpan.FromDays(25));
        var recent = await uploads.AddAsync(admin, "recent.csv", Export(clinic.Domain), new UploadSettings(null, null, null), default);
        var retention = clinic.Services.GetRequiredService<Retention>();

        var first = await retention.RunAsync("test", default);
        var afterFirst = (await ScalarAsync<string>(clinic, "SELECT string_agg(file_name, ',' ORDER BY id) FROM course_import_uploads"));
        clinic.Clock.Advance(TimeSpan.FromDays(6));
        var second = await retention.RunAsync("test", default);
        var afterSecond = (await ScalarAsync<string>(clinic, "SELECT string_agg(file_name, ',' ORDER BY id) FROM course_import_uploads"));

        Assert.Equal(1, first.Kinds.Single(k => k.Kind == "FinishedImports").Count);
        Assert.Equal(0, first.Kinds.Single(k => k.Kind == "UnfinishedImports").Count);
        Assert.Equal("left.csv,recent.csv", afterFirst);
        Assert.Equal(1, second.Kinds.Single(k => k.Kind == "UnfinishedImports").Count);
        Assert.Equal("recent.csv", afterSecond);
        Assert.Equal(2, await ScalarAsync<int>(clinic, "SELECT count(*) FROM courses")); // the courses stay
        _ = recent;
    }

    [Theory]
    [InlineData(512L, false)]
    [InlineData(1024L, true)]
    [InlineData(33554432L, true)]
    [InlineData(33554433L, false)]
    public void The_upload_limit_setting_is_checked_with_its_key_named(long bytes, bool valid)
    {
        var problems = new ImportOptions { MaxUploadBytes = bytes }.Validate().ToList();

        Assert.Equal(valid, problems.Count == 0);
        if (!valid) Assert.Contains("FollowUp:Import:MaxUploadBytes", problems.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_limit_is_told_its_size_and_the_limit()
    {
        Assert.Equal("is 40 KB, more than the 32 KB an upload may be (FollowUp:Import:MaxUploadBytes); split the export, or ask whoever runs FollowUp to raise the limit",
            new ImportOptions { MaxUploadBytes = 32 * 1024 }.TooLarge(40 * 1024));
        Assert.Null(new ImportOptions { MaxUploadBytes = 32 * 1024 }.TooLarge(32 * 1024));
    }
}
