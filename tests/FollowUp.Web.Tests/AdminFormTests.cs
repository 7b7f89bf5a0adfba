using System.Net;
using System.Text.RegularExpressions;
using Dapper;

namespace FollowUp.Tests.Web;

/// <summary>The admin pages' forms posted twice (a double click, a re-posted reload): the second post changes nothing and says so.</summary>
public partial class AdminFormTests
{
    [Fact]
    public async Task The_same_schedule_form_posted_twice_saves_once_and_the_second_post_says_what_the_first_did()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        var key = Key().Match((await admin.GetAsync("/admin/schedules/edit?name=default")).Body).Groups[1].Value;
        var form = ScheduleForm(key, editing: "default");

        var first = await admin.PostAsync("/admin/schedules/edit", form, "/admin/schedules/edit?name=default");
        var second = await admin.PostAsync("/admin/schedules/edit", form, "/admin/schedules/edit?name=default");

        Assert.Equal(HttpStatusCode.Redirect, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Contains("This form was already sent", second.Body, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed this time", second.Body, StringComparison.Ordinal);
        Assert.Contains("Saved schedule &#x27;default&#x27;: 2 check-ins", second.Body, StringComparison.Ordinal);
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'schedule_updated'"));
        Assert.Equal("10:00:00", await connection.ExecuteScalarAsync<string>("SELECT window_start::text FROM schedules WHERE name = 'default'"));
    }

    [Fact]
    public async Task A_course_paused_by_a_form_posted_twice_is_paused_once_and_a_refused_change_names_the_rule()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        var course = WebClinic.Id(clinic.AmyCourse);
        var pause = new Dictionary<string, string> { ["key"] = Guid.NewGuid().ToString(), ["course"] = course, ["change"] = "pause", ["q"] = "Dana" };

        var first = await admin.PostAsync("/admin/courses", pause, "/admin/courses?q=Dana");
        var second = await admin.PostAsync("/admin/courses", pause, "/admin/courses?q=Dana");
        // A new form asking to pause it again: refused by the CLI's rule (only an active course pauses), nothing changed.
        var again = await admin.PostAsync("/admin/courses", new Dictionary<string, string>(pause) { ["key"] = Guid.NewGuid().ToString() }, "/admin/courses?q=Dana");

        Assert.Equal(HttpStatusCode.Redirect, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Contains($"Course {course} is paused", second.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("Not changed", again.Body, StringComparison.Ordinal);
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'course_paused'"));
        Assert.Equal("paused", await connection.ExecuteScalarAsync<string>("SELECT status FROM courses WHERE id = @id", new { id = clinic.AmyCourse }));
    }

    [Fact]
    public async Task A_new_schedule_given_the_name_of_an_existing_one_is_refused_and_that_one_is_kept()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        var key = Key().Match((await admin.GetAsync("/admin/schedules/edit")).Body).Groups[1].Value;

        var refused = await admin.PostAsync("/admin/schedules/edit", ScheduleForm(key, editing: ""), "/admin/schedules/edit");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("a schedule named &#x27;default&#x27; exists already", refused.Body, StringComparison.Ordinal);
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal("09:00:00", await connection.ExecuteScalarAsync<string>("SELECT window_start::text FROM schedules WHERE name = 'default'"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind LIKE 'schedule%'"));
    }

    /// <summary>The schedule form as a browser posts it: "default" from 10:00, check-ins at weeks 1 and 4, the built-in texts.</summary>
    private static Dictionary<string, string> ScheduleForm(string key, string editing) => new()
    {
        ["key"] = key, ["act"] = "save", ["Form.Editing"] = editing, ["Form.Name"] = "default", ["Form.WindowStart"] = "10:00", ["Form.WindowEnd"] = "18:00",
        ["Form.ReminderCount"] = "1", ["Form.ReminderSpacingDays"] = "3",
        ["Form.CheckIns[0].Offset"] = "1", ["Form.CheckIns[0].Unit"] = "weeks", ["Form.CheckIns[0].Mood"] = "true",
        ["Form.CheckIns[1].Offset"] = "4", ["Form.CheckIns[1].Unit"] = "weeks", ["Form.CheckIns[1].Phq2"] = "true",
        ["Form.Languages[0].Code"] = "en",
    };

    [GeneratedRegex("name=\"key\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex Key();
}
