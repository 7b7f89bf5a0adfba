using System.Text.RegularExpressions;
using Dapper;
using FollowUp.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FollowUp.Tests.Web;

/// <summary>
/// The pages' script in Debian's Chromium, under the web face's own Content Security Policy (not bypassed): the schedule
/// form checked and previewed as the admin types, the status page read again in place, and sign-in bringing a user
/// back to the page they opened from a link. Screenshots at 1280 and 360 pixels are kept (the path is printed).
/// </summary>
public partial class LiveBrowserTests(ITestOutputHelper output)
{
    private static BrowserTypeLaunchPersistentContextOptions Desktop => new() { ViewportSize = new() { Width = 1280, Height = 900 } };
    // A deadline for the server's answer on a loaded machine, not a timing assertion.
    private static readonly PageWaitForFunctionOptions Patiently = new() { Timeout = 60_000, PollingInterval = 200 };

    [Fact]
    public async Task An_admin_sees_a_template_error_by_its_line_as_they_type_and_the_preview_follows_the_fix_with_the_clinics_name()
    {
        await using var clinic = await WebClinic.OpenAsync();
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await PageAsync(browser);
        var errors = ConsoleErrors(page);
        await BrowserSignIn.SignInAsync(page, clinic.Web, clinic.Admin);
        await page.GotoAsync(clinic.Web.BaseUrl + "/admin/schedules/edit?name=default");
        await page.EvaluateAsync("() => { window.keptSinceOpened = true; }");

        // A typo in a field's name on the fourth line; nothing pressed.
        await page.Locator("#text-en").FillAsync("Hello {{ patient_name }},\n\nIt is a while since your last massage.\nHow is your back, {{ patinet_name }}?\n\n{{ questions }}");
        await page.WaitForFunctionAsync("() => document.querySelector('#check #problems')?.innerText.includes('patinet_name')", null, Patiently);
        var problems = await page.Locator("#check #problems").InnerTextAsync();
        await ShotsAsync(page, "1-error-as-typed");
        Assert.Contains("text template, line 4, column 22: unknown field 'patinet_name'", problems, StringComparison.Ordinal);

        await page.Locator("#text-en").FillAsync("Hello {{ patient_name }},\n\nIt is a while since your last massage.\nHow is your back now?\n\n{{ questions }}");
        await page.WaitForFunctionAsync("() => document.querySelector('#check #checked') !== null", null, Patiently);
        Assert.Equal(0, await page.Locator("#check #problems").CountAsync());
        Assert.Contains("reaches 12 check-in emails not yet sent", await page.Locator("#checked").InnerTextAsync(), StringComparison.Ordinal);
        var english = await page.GetByRole(AriaRole.Region, new() { Name = "Preview in English" }).InnerTextAsync();
        Assert.Contains("How is your back now?", english, StringComparison.Ordinal);
        Assert.Contains("Test Clinic", english, StringComparison.Ordinal);
        Assert.DoesNotContain("Example Clinic", english, StringComparison.Ordinal);

        // The HTML part follows its own edit, shown in a frame where nothing it holds can run.
        await page.Locator("#html-en").FillAsync("<p>Hello {{ patient_name }},</p>\n<p>Your back matters to us.</p>\n<ul>{% for line in question_lines %}<li>{{ line }}</li>{% endfor %}</ul>\n<p><b>Thank you.</b></p>");
        var frame = page.Locator("iframe[title='The HTML part in English']");
        await page.WaitForFunctionAsync("() => document.querySelector(\"iframe[title='The HTML part in English']\")?.srcdoc.includes('Your back matters to us.')", null, Patiently);
        var html = await frame.GetAttributeAsync("srcdoc") ?? "";
        Assert.Contains("<p>Test Clinic</p>", html, StringComparison.Ordinal);
        Assert.Equal("", await frame.GetAttributeAsync("sandbox"));
        await ShotsAsync(page, "2-preview-as-typed");
        // A full-page screenshot leaves the sandboxed frame (another process) blank: the frame on its own.
        await frame.ScreenshotAsync(new() { Path = Path.Combine(Shots, "2-preview-html-part-1280.png") });
        Assert.Contains("Your back matters to us.", await page.FrameLocator("iframe[title='The HTML part in English']").Locator("body").InnerTextAsync(), StringComparison.Ordinal);

        Assert.True(await page.EvaluateAsync<bool>("() => window.keptSinceOpened === true"), "the page was navigated away and back");
        Assert.NotEqual("ran", await page.TitleAsync());
        Assert.Equal(clinic.Web.BaseUrl + "/admin/schedules/edit?name=default", page.Url);
        Assert.Empty(errors);

        // A script in the HTML part is refused where it stands, as `schedule validate` refuses it.
        await page.Locator("#html-en").FillAsync("<p>Hello {{ patient_name }},</p>\n<ul>{% for line in question_lines %}<li>{{ line }}</li>{% endfor %}</ul>\n<script>parent.document.title = 'ran'</script>");
        await page.WaitForFunctionAsync("() => document.querySelector('#check #problems')?.innerText.includes('is not allowed')", null, Patiently);
        Assert.Contains("HTML template, line 3, column 1: \"<script\" is not allowed", await page.Locator("#check #problems").InnerTextAsync(), StringComparison.Ordinal);
        Assert.NotEqual("ran", await page.TitleAsync());
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT text_template FROM schedules WHERE name = 'default'"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind LIKE 'schedule%'"));
    }

    [Fact]
    public async Task The_status_page_shows_a_course_enrolled_in_the_background_without_being_reloaded()
    {
        await using var clinic = await WebClinic.OpenAsync();
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await PageAsync(browser);
        var errors = ConsoleErrors(page);
        await BrowserSignIn.SignInAsync(page, clinic.Web, clinic.Lead);
        await page.GotoAsync(clinic.Web.BaseUrl + "/reports/status");
        Assert.Matches(@"Planned later\s+12", await page.Locator("#facts").InnerTextAsync());
        var navigations = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) navigations++; };
        await page.EvaluateAsync("() => { window.keptSinceOpened = true; }");

        await clinic.Clinic.EnrolAsync("Carla", therapist: "amy");

        await page.WaitForFunctionAsync("() => /Planned later\\s+18/.test(document.querySelector('#facts').innerText)", null, Patiently);
        await ShotsAsync(page, "3-status-updated");
        Assert.Equal(0, navigations);
        Assert.True(await page.EvaluateAsync<bool>("() => window.keptSinceOpened === true"), "the page was reloaded");
        Assert.Equal(0, await page.Locator("meta[http-equiv=refresh]").CountAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_signed_out_user_is_brought_back_to_the_page_they_opened_by_the_emailed_link_and_never_to_another_site()
    {
        await using var clinic = await WebClinic.OpenAsync();
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await PageAsync(browser);

        await page.GotoAsync(clinic.Web.BaseUrl + $"/courses/{clinic.AmyCourse}");
        Assert.StartsWith(clinic.Web.BaseUrl + "/signin?ReturnUrl=", page.Url, StringComparison.Ordinal);
        await SignInHereAsync(page, clinic.Amy);
        await page.WaitForURLAsync(clinic.Web.BaseUrl + $"/courses/{clinic.AmyCourse}", new() { Timeout = 120_000 });
        Assert.Contains(WebClinic.AmysPatient, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await page.GotoAsync(clinic.Web.BaseUrl + "/admin/sends?status=failed");
        await SignInHereAsync(page, clinic.Admin);
        await page.WaitForURLAsync(clinic.Web.BaseUrl + "/admin/sends?status=failed", new() { Timeout = 120_000 });
        await ShotsAsync(page, "4-deep-link-kept");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await page.GotoAsync(clinic.Web.BaseUrl + "/signin?ReturnUrl=" + Uri.EscapeDataString("//evil.example/patients"));
        Assert.Contains("pointed to a place outside FollowUp", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await ShotsAsync(page, "5-open-redirect-refused");
        await SignInHereAsync(page, clinic.Amy);
        await page.WaitForURLAsync(clinic.Web.BaseUrl + "/patients", new() { Timeout = 120_000 });
    }

    /// <summary>Signs in from the sign-in page the browser is on, by the real email's link.</summary>
    private static async Task SignInHereAsync(IPage page, string address)
    {
        var before = (await new Mailbox(address).MessagesAsync()).Count;
        await page.GetByLabel("Email address").FillAsync(address);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a sign-in link" }).ClickAsync();
        await page.GetByText("a sign-in link is on its way").WaitForAsync();
        var email = (await new Mailbox(address).WaitForAsync(before + 1)).OrderBy(m => m.Date).Last();
        await page.GotoAsync(Link().Match(email.TextBody ?? "").Value);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private static async Task<IPage> PageAsync(Chromium browser) =>
        browser.Context.Pages.Count > 0 ? browser.Context.Pages[0] : await browser.Context.NewPageAsync();

    /// <summary>What the browser's console says went wrong (a script error, a request the policy blocked).</summary>
    private static List<string> ConsoleErrors(IPage page)
    {
        var errors = new List<string>();
        // The browser asks for /favicon.ico by itself; the web face has none.
        page.Console += (_, message) => { if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal)) errors.Add($"{message.Text} ({message.Location})"); };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    private static string Shots => Directory.CreateDirectory(Environment.GetEnvironmentVariable("FOLLOWUP_TEST_SHOTS") is { Length: > 0 } given ? given
        : Path.Combine(Path.GetTempPath(), "followup-web-screenshots", "live")).FullName;

    private async Task ShotsAsync(IPage page, string name)
    {
        var shots = Shots;
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, name + "-1280.png"), FullPage = true });
        var size = page.ViewportSize;
        await page.SetViewportSizeAsync(360, 740);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, name + "-360.png"), FullPage = true });
        if (size is not null) await page.SetViewportSizeAsync(size.Width, size.Height);
        output.WriteLine($"screenshots: {shots}/{name}-*.png");
    }

    [GeneratedRegex(@"https?://\S+/signin/link\?token=[A-Za-z0-9_-]+")]
    private static partial Regex Link();
}
