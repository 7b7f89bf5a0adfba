using System.Text.RegularExpressions;
using Dapper;
using FollowUp.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FollowUp.Tests.Web;

/// <summary>
/// A patient on a 360-pixel phone in Debian's Chromium, with JavaScript off (the pages need none): she opens the link in
/// her real check-in email, taps her answers and sends; her therapist then sees them on the course page. She later
/// stops the emails with the unsubscribe page's one button. The screenshots are kept for a person to look at.
/// </summary>
public partial class PatientBrowserTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> AlertAtOnce = new() { ["FollowUp:Alerts:ConfirmingCheckIn"] = "false" };

    internal static string ScreenshotFolder(string what, ITestOutputHelper output)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "followup-web-screenshots",
            $"{what}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)}")).FullName;
        output.WriteLine($"screenshots: {folder}");
        Console.WriteLine($"FollowUp web screenshots: {folder}");
        return folder;
    }

    internal static BrowserTypeLaunchPersistentContextOptions Phone(bool javaScript = false) => new()
    {
        ViewportSize = new() { Width = 360, Height = 740 }, DeviceScaleFactor = 1, IsMobile = true, HasTouch = true, JavaScriptEnabled = javaScript,
        BypassCSP = javaScript,
    };

    [Fact]
    public async Task A_patient_answers_through_the_link_in_her_real_email_on_a_phone_and_her_therapist_sees_it_on_the_course_page()
    {
        await using var clinic = await PatientClinic.OpenAsync(AlertAtOnce);
        var shots = ScreenshotFolder("patient", output);
        await using var browser = await Chromium.LaunchAsync(Phone());
        var page = browser.Context.Pages.Count > 0 ? browser.Context.Pages[0] : await browser.Context.NewPageAsync();

        // Week 1: pain and mood.
        await clinic.SendOnAsync(9);
        await page.GotoAsync(PatientClinic.AnswerLink(await PatientClinic.NewestEmailAsync(clinic.Dana)));
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "p1-answer-week-1.png"), FullPage = true });
        await TapAsync(page, "Your back pain over the past week", "6");
        await TapAsync(page, "Your mood over the past week", "4");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "p2-answer-week-1-tapped.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my answer" }).ClickAsync();
        await page.GetByText("your answer has been recorded").WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "p3-thanks.png"), FullPage = true });

        // Week 2 asks the PHQ-2 too.
        await clinic.SendOnAsync(16);
        var week2 = await PatientClinic.NewestEmailAsync(clinic.Dana, 2);
        await page.GotoAsync(PatientClinic.AnswerLink(week2));
        await TapAsync(page, "Your back pain over the past week", "7");
        await TapAsync(page, "Your mood over the past week", "3");
        await TapAsync(page, "Interest: little interest or pleasure in doing things?", "More than half the days");
        await TapAsync(page, "Down: feeling down, depressed, or hopeless?", "Several days");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "p4-answer-week-2-phq2.png"), FullPage = true });
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my answer" }).ClickAsync();
        await page.GetByText("your answer has been recorded").WaitForAsync();
        Assert.True(width <= 360, $"the page is {width} px wide on a 360 px phone: it scrolls sideways");

        // Amy, signed in, sees both answers beside the check-ins, and that they came from the page.
        using var amy = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(amy, clinic.Amy);
        await browser.Context.AddCookiesAsync(amy.Cookies.GetAllCookies().Select(c => new Microsoft.Playwright.Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync(clinic.Web.BaseUrl + $"/courses/{clinic.DanaCourse}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "p5-therapist-course.png"), FullPage = true });
        var course = await page.Locator("main").InnerTextAsync();
        Assert.Contains("Pain 6, mood 4", course, StringComparison.Ordinal);
        Assert.Contains("Pain 7, mood 3, interest 2, down 1", course, StringComparison.Ordinal);
        Assert.Contains("answered on the web page", course, StringComparison.Ordinal);
        Assert.Contains("PHQ-2 2+1", course, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patient_stops_the_emails_with_the_one_button_of_the_unsubscribe_page_on_a_phone()
    {
        await using var clinic = await PatientClinic.OpenAsync();
        var shots = ScreenshotFolder("unsubscribe", output);
        await clinic.SendOnAsync(9);
        var email = await PatientClinic.NewestEmailAsync(clinic.Dana);
        await using var browser = await Chromium.LaunchAsync(Phone());
        var page = browser.Context.Pages.Count > 0 ? browser.Context.Pages[0] : await browser.Context.NewPageAsync();

        await page.GotoAsync(PatientClinic.UnsubscribeLink(email));
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "u1-unsubscribe.png"), FullPage = true });
        await using (var connection = await clinic.Clinic.Data.OpenConnectionAsync())
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM patients WHERE opted_out_at IS NOT NULL"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop the emails" }).ClickAsync();
        await page.GetByText("you will get no more follow-up emails from us").WaitForAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "u2-unsubscribed.png"), FullPage = true });

        await using var db = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal(clinic.Dana, await db.ExecuteScalarAsync<string>("SELECT email FROM patients WHERE opted_out_at IS NOT NULL"));
        Assert.Contains("the button on the unsubscribe page", await db.ExecuteScalarAsync<string>("SELECT detail FROM inbound_messages WHERE mailbox = 'web/unsubscribe'"), StringComparison.Ordinal);
        await clinic.SendOnAsync(16);
        Assert.Equal("cancelled", await db.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE course_id = @c AND sequence = 2", new { c = clinic.DanaCourse }));
    }

    /// <summary>Taps the choice labelled <paramref name="choice"/> of the question <paramref name="question"/>, as a finger would: on its label.</summary>
    internal static Task TapAsync(IPage page, string question, string choice) =>
        page.Locator("fieldset", new() { Has = page.Locator("legend", new() { HasTextRegex = new Regex("^" + Regex.Escape(question) + "$") }) })
            .Locator("label").GetByText(choice, new() { Exact = true }).ClickAsync();
}
