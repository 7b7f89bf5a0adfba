using System.Text;
using Dapper;
using FollowUp.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FollowUp.Tests.Web;

/// <summary>
/// A clinic admin runs the clinic from Debian's Chromium, headless, driven by Playwright: edits the check-in email of
/// a schedule and sees the next check-in go out with it; uploads the clinic's messy export and stores its valid rows.
/// The screenshots are kept (the path is printed) for a person to look at.
/// </summary>
public class AdminBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_admin_fixes_a_template_error_by_its_line_previews_saves_and_the_next_check_in_is_sent_with_it()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var shots = Shots("schedule");
        await using var browser = await Chromium.LaunchAsync(new BrowserTypeLaunchPersistentContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await SignedInAsync(browser, clinic);

        await page.GetByRole(AriaRole.Link, new() { Name = "Schedules" }).ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "1-schedules.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "default" }).ClickAsync();
        await page.Locator("#subject-en").FillAsync("How is your back, {{ patient_name }}?");
        // A typo in a field's name, on the template's third line.
        await page.Locator("#text-en").FillAsync("Hello {{ patient_name }},\n\nIt is a while since your last massage.\nHow is your back, {{ patinet_name }}?\n\n{{ questions }}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and preview" }).ClickAsync();
        var problems = await page.Locator("#problems").InnerTextAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "2-template-error.png"), FullPage = true });
        Assert.Contains("text template, line 4, column", problems, StringComparison.Ordinal);
        Assert.Contains("unknown field 'patinet_name'", problems, StringComparison.Ordinal);

        await page.Locator("#text-en").FillAsync("Hello {{ patient_name }},\n\nIt is a while since your last massage.\nHow is your back now?\n\n{{ questions }}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and preview" }).ClickAsync();
        var check = await page.Locator("#checked").InnerTextAsync();
        // Dana's and Bartholomew's six check-ins each, none sent yet.
        Assert.Contains("reaches 12 check-in emails not yet sent", check, StringComparison.Ordinal);
        var english = await page.GetByRole(AriaRole.Region, new() { Name = "Preview in English" }).InnerTextAsync();
        Assert.Contains("How is your back now?", english, StringComparison.Ordinal);
        Assert.Contains("Subject: How is your back, Dana Example?", english, StringComparison.Ordinal);
        // No German text of the schedule's own: German patients get the English one, and the page says so.
        Assert.Contains("German, French, Spanish, Italian, Dutch, Portuguese: no text of this schedule's own", await page.Locator("#fallback").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "3-preview.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/admin/schedules\\?done="));
        Assert.Contains("Saved schedule 'default'", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "4-saved.png"), FullPage = true });

        // A week after the course ended, the worker's dispatch sends Dana's first check-in: with the admin's text.
        clinic.Clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 9, 31, 0, TimeSpan.Zero));
        await clinic.Clinic.Dispatch.SendDueAsync(default);
        var email = (await new Mailbox(clinic.Clinic.Address("dana")).WaitForAsync(1)).Single();
        Assert.Equal("How is your back, Dana?", email.Subject);
        Assert.Contains("How is your back now?", email.TextBody, StringComparison.Ordinal);
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        var audit = await connection.QuerySingleAsync<(string Actor, string Before, string After)>(
            "SELECT actor, detail->'before'->>'TextTemplate', detail->'after'->>'TextTemplate' FROM audit_log WHERE kind = 'schedule_updated'");
        Assert.Equal(clinic.Admin, audit.Actor);
        Assert.Null(audit.Before);
        Assert.Contains("How is your back now?", audit.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_uploads_a_messy_export_sees_each_wrong_row_stores_the_valid_ones_and_finds_the_courses()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var shots = Shots("import");
        // As a clinic's booking software exports it for Excel: a BOM, semicolons, day-first dates, one date that does
        // not exist, a patient booked twice, and a row whose email was never taken.
        var amy = clinic.Amy;
        var csv = "\uFEFFClient name;Email;Therapist;First session;Last session;Pain before;Pain after;Time zone\r\n"
            + $"Hannah Becker;hannah.becker@{clinic.Clinic.Domain};{amy};28/09/2026;30/10/2026;7;3;Europe/Berlin\r\n"
            + $"Tom O'Neill;tom.oneill@{clinic.Clinic.Domain};{amy};01/10/2026;29/10/2026;6;2;Europe/London\r\n"
            + $"Priya Shah;priya.shah@{clinic.Clinic.Domain};{amy};31/09/2026;30/10/2026;8;4;Europe/London\r\n"
            + $"Hannah Becker;hannah.becker@{clinic.Clinic.Domain};{amy};28/09/2026;30/10/2026;7;3;Europe/Berlin\r\n"
            + $"Jo Martin;;{amy};02/10/2026;31/10/2026;5;2;Europe/London\r\n"
            + $"Lucía García;lucia.garcia@{clinic.Clinic.Domain};{amy};05/10/2026;01/11/2026;9;5;Europe/Madrid\r\n";
        await using var browser = await Chromium.LaunchAsync(new BrowserTypeLaunchPersistentContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await SignedInAsync(browser, clinic);

        await page.GetByRole(AriaRole.Link, new() { Name = "Enrol" }).ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "1-enrol.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "Upload a CSV file" }).ClickAsync();
        await page.GetByLabel("The CSV file").SetInputFilesAsync(new FilePayload { Name = "Kundenexport.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByLabel("How the file writes dates").SelectOptionAsync("en-GB");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "2-upload.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and check" }).ClickAsync();
        var summary = await page.Locator("#report-summary").InnerTextAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "3-row-report.png"), FullPage = true });
        Assert.Contains("Read 6 rows", summary, StringComparison.Ordinal);
        Assert.Contains("3 can be enrolled, 3 have problems", summary, StringComparison.Ordinal);
        var report = await page.Locator("table.report").InnerTextAsync();
        output.WriteLine(report);
        Assert.Contains("4\tFirst session\t'31/09/2026' is not a date", report, StringComparison.Ordinal);
        Assert.Contains("5\tEmail\tduplicate of line 2", report, StringComparison.Ordinal);
        Assert.Contains("6\tEmail\tpatient email '' is not an email address", report, StringComparison.Ordinal);
        await using (var connection = await clinic.Clinic.Data.OpenConnectionAsync())
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM patients WHERE email LIKE '%hannah%'"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Store the 3 valid rows" }).ClickAsync();
        var stored = await page.Locator("#stored").InnerTextAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "4-stored.png"), FullPage = true });
        Assert.Contains("Enrolled 3 courses", stored, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Courses", Exact = true }).ClickAsync();
        await page.GetByLabel("Patient's name or email address").FillAsync("hannah");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var found = await page.Locator("main").InnerTextAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "5-courses.png"), FullPage = true });
        Assert.Contains("Hannah Becker", found, StringComparison.Ordinal);
        Assert.Contains("1 course matching", found, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        Assert.Contains("is paused", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "6-paused.png"), FullPage = true });
        await using var db = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal("Hannah Becker, Lucía García, Tom O'Neill", string.Join(", ",
            await db.QueryAsync<string>("SELECT p.name FROM courses c JOIN patients p ON p.id = c.patient_id WHERE p.name NOT IN ('Dana', 'Bartholomew') ORDER BY p.name")));
        Assert.Equal(clinic.Admin, await db.ExecuteScalarAsync<string>("SELECT actor FROM audit_log WHERE kind = 'course.import'"));
        Assert.Equal(clinic.Admin, await db.ExecuteScalarAsync<string>("SELECT actor FROM audit_log WHERE kind = 'course_paused'"));
    }

    private static async Task<IPage> SignedInAsync(Chromium browser, WebClinic clinic)
    {
        var page = browser.Context.Pages.Count > 0 ? browser.Context.Pages[0] : await browser.Context.NewPageAsync();
        await BrowserSignIn.SignInAsync(page, clinic.Web, clinic.Admin);
        return page;
    }

    private string Shots(string what)
    {
        var shots = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "followup-web-screenshots",
            DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-admin-" + what)).FullName;
        output.WriteLine($"screenshots: {shots}");
        Console.WriteLine($"FollowUp web screenshots: {shots}");
        return shots;
    }
}
