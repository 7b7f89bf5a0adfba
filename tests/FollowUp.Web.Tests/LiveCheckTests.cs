using System.Net;
using Dapper;

namespace FollowUp.Tests.Web;

/// <summary>
/// What the pages' script asks the web face, as a browser sends it: the schedule form's check as the admin types (a
/// read: nothing saved, claimed or audited; the admins' only; bounded), the status facts, and where sign-in goes back to.
/// </summary>
public class LiveCheckTests
{
    [Fact]
    public async Task The_live_check_answers_a_template_error_with_its_line_and_column_and_stores_nothing()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        var form = Form("Hello {{ patient_name }},\n\nHow is your back, {{ patinet_name }}?\n\n{{ questions }}");
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        var audited = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log");

        var wrong = await admin.PostAsync("/admin/schedules/edit?handler=check", form, "/admin/schedules/edit?name=default");
        var right = await admin.PostAsync("/admin/schedules/edit?handler=check", Form("Hello {{ patient_name }},\n\n{{ questions }}"), "/admin/schedules/edit?name=default");

        Assert.Equal(HttpStatusCode.OK, wrong.Status);
        Assert.Equal("1", Assert.Single(wrong.Response.Headers.GetValues("X-FollowUp-Fragment")));
        Assert.Contains("text template, line 3, column 22: unknown field &#x27;patinet_name&#x27;", wrong.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", wrong.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("reaches <strong>12</strong> check-in emails not yet sent", right.Body, StringComparison.Ordinal);
        // Signed as the clinic's patients see it, with the HTML part in a frame where nothing can run.
        Assert.Contains("Test Clinic", right.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Example Clinic", right.Body, StringComparison.Ordinal);
        Assert.Contains("<iframe class=\"html-part\" sandbox=\"\"", right.Body, StringComparison.Ordinal);
        Assert.Equal(audited, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM form_submissions"));
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT text_template FROM schedules WHERE name = 'default'"));
    }

    [Fact]
    public async Task The_live_check_is_the_admins_only_needs_the_forms_token_and_refuses_a_body_no_form_sends()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var anonymous = clinic.Web.NewBrowser();
        using var lead = clinic.Web.NewBrowser();
        using var amy = clinic.Web.NewBrowser();
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(lead, clinic.Lead);
        await clinic.Web.SignInAsync(amy, clinic.Amy);
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        var form = Form("Hello {{ patient_name }},\n\n{{ questions }}");

        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.PostBareAsync("/admin/schedules/edit?handler=check", form)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await lead.PostAsync("/admin/schedules/edit?handler=check", form, "/patients")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await amy.PostAsync("/admin/schedules/edit?handler=check", form, "/patients")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostBareAsync("/admin/schedules/edit?handler=check", form)).StatusCode);
        var huge = new Dictionary<string, string>(form) { ["Form.Languages[0].Html"] = new string('x', 2 * 1024 * 1024) };
        var refused = await admin.PostAsync("/admin/schedules/edit?handler=check", huge, "/admin/schedules/edit?name=default");
        // Refused as it is read (the antiforgery check reads the form first and answers 400); a field of 2 MB is within
        // ASP.NET Core's own form limits, so only the page's bound refuses it.
        Assert.True(refused.Status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"answered {refused.Status}");
        Assert.False(refused.Response.Headers.Contains("X-FollowUp-Fragment"));
    }

    [Fact]
    public async Task The_status_facts_are_the_status_commands_and_only_for_a_lead_or_an_admin()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var lead = clinic.Web.NewBrowser();
        using var amy = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(lead, clinic.Lead);
        await clinic.Web.SignInAsync(amy, clinic.Amy);

        var before = await lead.GetAsync("/reports/status?handler=facts");
        await clinic.Clinic.EnrolAsync("Carla", therapist: "amy");
        var after = await lead.GetAsync("/reports/status?handler=facts");

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Contains("<dt>Planned later</dt><dd>12</dd>", before.Body, StringComparison.Ordinal);
        Assert.Contains("<dt>Planned later</dt><dd>18</dd>", after.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", after.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await amy.GetAsync("/reports/status?handler=facts")).Status);
        var page = await lead.GetAsync("/reports/status");
        Assert.Contains("script-src 'self'", string.Join(";", page.Response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", string.Join(";", page.Response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/sends?status=failed", "/admin/sends?status=failed")]
    [InlineData("/courses/123", "/courses/123")]
    [InlineData("https://evil.example/signin", "/patients")]
    [InlineData("//evil.example/patients", "/patients")]
    [InlineData("/\\evil.example", "/patients")]
    [InlineData("javascript:alert(1)", "/patients")]
    public async Task Sign_in_goes_back_to_the_local_page_asked_for_and_never_to_another_site(string returnUrl, string expected)
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var browser = clinic.Web.NewBrowser();
        var signIn = "/signin?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        var asked = await browser.PostAsync("/signin", new Dictionary<string, string> { ["email"] = clinic.Amy, ["next"] = returnUrl }, signIn);
        Assert.Equal(HttpStatusCode.OK, asked.Status);
        var link = System.Text.RegularExpressions.Regex.Match(
            (await new Support.Mailbox(clinic.Amy).WaitForAsync(1)).Single().TextBody ?? "", @"/signin/link\?token=[A-Za-z0-9_-]+").Value;

        var signedIn = await browser.PostAsync("/signin/link", new Dictionary<string, string> { ["token"] = link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..] }, link);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        Assert.Equal(expected, signedIn.Response.Headers.Location?.OriginalString);
    }

    /// <summary>The default schedule's form as a browser sends it, with the English text given.</summary>
    private static Dictionary<string, string> Form(string text) => new()
    {
        ["key"] = Guid.NewGuid().ToString(), ["Form.Editing"] = "default", ["Form.Name"] = "default", ["Form.WindowStart"] = "09:00", ["Form.WindowEnd"] = "19:00",
        ["Form.ReminderCount"] = "1", ["Form.ReminderSpacingDays"] = "3",
        ["Form.CheckIns[0].Offset"] = "1", ["Form.CheckIns[0].Unit"] = "weeks", ["Form.CheckIns[0].Mood"] = "true",
        ["Form.CheckIns[1].Offset"] = "4", ["Form.CheckIns[1].Unit"] = "weeks", ["Form.CheckIns[1].Phq2"] = "true",
        ["Form.Languages[0].Code"] = "en", ["Form.Languages[0].Text"] = text,
    };
}
