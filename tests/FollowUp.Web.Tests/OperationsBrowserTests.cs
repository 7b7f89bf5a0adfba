using System.IO.Compression;
using Dapper;
using FollowUp.Tests.Support;
using FollowUp.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FollowUp.Tests.Web;

/// <summary>
/// An admin's day in Debian's Chromium: lifting a suppression (the next check-in then reaches the real mailbox), the
/// send log filtered and one email cancelled, the status of a real worker node, the outcomes with their chart and a
/// CSV download. The screenshots are kept (the path is printed) for a person to look at.
/// </summary>
public class OperationsBrowserTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_admin_lifts_a_suppression_and_the_patients_next_check_in_reaches_her_mailbox()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var course = await clinic.EnrolAsync("Dana", therapist: "amy");
        await AddUserAsync(clinic, "admin", Roles.Admin);
        var patient = await ScalarAsync<long>(clinic, "SELECT patient_id FROM courses WHERE id = @course", new { course });
        // Her mailbox was full for days: the mail server gave up on her address, as a hard bounce reports it.
        await using (var connection = await clinic.Data.OpenConnectionAsync())
            await FollowUp.Alerts.Unreachable.MarkAsync(connection, null, patient, "550 5.2.2 mailbox full", clinic.Clock.GetUtcNow(), default);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 9, 31, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        Assert.Equal("cancelled", await ScalarAsync<string>(clinic, "SELECT status FROM check_ins WHERE course_id = @course AND sequence = 1", new { course }));
        await using var web = await WebFaceHost.StartAsync(clinic);
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await SignedInPageAsync(browser, web, clinic.Address("admin"));

        await page.GotoAsync(web.BaseUrl + "/admin/suppressions");
        await ShotAsync(page, "suppressions-1-before");
        var row = await page.Locator("table.suppressions tbody tr").InnerTextAsync();
        Assert.Contains("Mail server refused the address", row, StringComparison.Ordinal);
        Assert.Contains("550 5.2.2 mailbox full", row, StringComparison.Ordinal);
        Assert.Contains("2026-11-16", row, StringComparison.Ordinal); // the next planned check-in: what lifting lets go
        await page.GetByRole(AriaRole.Button, new() { Name = $"Lift the suppression of {clinic.Address("dana")}" }).ClickAsync();
        await page.GetByText("go out again").WaitForAsync();
        await ShotAsync(page, "suppressions-2-lifted");
        Assert.Contains("No address is suppressed", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 16, 9, 31, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        var mail = Assert.Single(await new Mailbox(clinic.Address("dana")).WaitForAsync(1));
        Assert.Contains("Dana", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal("sent", await ScalarAsync<string>(clinic, "SELECT status FROM check_ins WHERE course_id = @course AND sequence = 2", new { course }));
        var audit = await ScalarAsync<string>(clinic, "SELECT actor || ' ' || (detail->'before'->>'reason') FROM audit_log WHERE kind = 'patient.suppression_lifted'", null);
        Assert.Equal($"{clinic.Address("admin")} 550 5.2.2 mailbox full", audit);
    }

    [Fact]
    public async Task An_admin_filters_the_send_log_by_therapist_and_status_and_cancels_a_planned_check_in()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Dana", therapist: "amy");
        await clinic.EnrolAsync("Bartholomew", therapist: "ben");
        await clinic.Services.GetRequiredService<FollowUp.Courses.Therapists>().AddAsync(clinic.Address("amy"), "Amy Lind", "test", default);
        await AddUserAsync(clinic, "admin", Roles.Admin);
        await using var web = await WebFaceHost.StartAsync(clinic);
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await SignedInPageAsync(browser, web, clinic.Address("admin"));

        await page.GotoAsync(web.BaseUrl + "/admin/sends");
        await page.GetByLabel("Therapist").SelectOptionAsync(new SelectOptionValue { Label = "Amy Lind" });
        await page.GetByLabel("Status").SelectOptionAsync("planned");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("status=planned"));
        await ShotAsync(page, "sends-1-filtered");
        var list = await page.Locator("table.sends").InnerTextAsync();
        Assert.Contains("Dana", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Bartholomew", list, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel Check-in 1 (day 7) to Dana" }).ClickAsync();
        await page.GetByText("Cancelled c").WaitForAsync();
        Assert.Contains("done=", page.Url, StringComparison.Ordinal); // the page again by GET: a reload re-posts nothing
        await ShotAsync(page, "sends-2-cancelled");
        var checkIn = await ScalarAsync<(string Status, string Failure)>(clinic,
            "SELECT ci.status, ci.failure FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id WHERE p.name = 'Dana' AND ci.sequence = 1", null);
        Assert.Equal(("cancelled", $"cancelled by {clinic.Address("admin")}"), checkIn);
        // The filters stay as they were: the cancelled one has left the list of planned emails.
        Assert.DoesNotContain("Check-in 1 (day 7)", await page.Locator("table.sends").InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByLabel("Status").SelectOptionAsync("cancelled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("status=cancelled"));
        Assert.Contains($"cancelled by {clinic.Address("admin")}", await page.Locator("table.sends").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "sends-3-cancelled-filter");
    }

    [Fact]
    public async Task The_status_page_shows_a_running_worker_node_of_the_cluster()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Dana", therapist: "amy");
        await AddUserAsync(clinic, "lead", Roles.Lead);
        // A real worker node: the worker's own services and Quartz, clustered on the clinic's database.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Clinic.Settings(clinic.ConnectionString, clinic.Domain, new Dictionary<string, string?> { ["FollowUp:Database:MigrateOnStart"] = "false" }));
        builder.AddFollowUp();
        // The clinic's clock (nothing due yet), so the node only checks in and the queue stays as enrolled.
        builder.Services.AddSingleton<TimeProvider>(clinic.Clock);
        using var worker = builder.Build();
        await worker.StartAsync();
        try
        {
            // A deadline, not an assertion: the node's row appears once Quartz has started and checked in.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (await ScalarAsync<int>(clinic, "SELECT count(*) FROM qrtz_scheduler_state", null) == 0 && DateTime.UtcNow < deadline) await Task.Delay(250);
            var node = await ScalarAsync<string>(clinic, "SELECT instance_name FROM qrtz_scheduler_state", null);
            await using var web = await WebFaceHost.StartAsync(clinic);
            await using var browser = await Chromium.LaunchAsync(Desktop);
            var page = await SignedInPageAsync(browser, web, clinic.Address("lead"));

            await page.GotoAsync(web.BaseUrl + "/reports/status");
            await ShotAsync(page, "status");
            var text = await page.Locator("main").InnerTextAsync();
            Assert.Contains(node, text, StringComparison.Ordinal);
            Assert.Contains("The worker is running.", text, StringComparison.Ordinal);
            Assert.Matches(@"Planned later\s+6", text);
            // Read again in place by the page's script (LiveBrowserTests); without script, by its Refresh link.
            Assert.Equal(0, await page.Locator("meta[http-equiv=refresh]").CountAsync());
            Assert.Equal("/reports/status", await page.GetByRole(AriaRole.Link, new() { Name = "Refresh" }).GetAttributeAsync("href"));
        }
        finally
        {
            await worker.StopAsync();
        }
    }

    [Fact]
    public async Task The_outcomes_page_shows_the_chart_and_table_and_downloads_the_courses_as_csv()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Dana", painAtStart: 8, painAtEnd: 3, therapist: "amy");
        await clinic.EnrolAsync("Bartholomew", painAtStart: 6, painAtEnd: 6, therapist: "ben");
        await AddUserAsync(clinic, "admin", Roles.Admin);
        await using var web = await WebFaceHost.StartAsync(clinic);
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await SignedInPageAsync(browser, web, clinic.Address("admin"));

        await page.GotoAsync(web.BaseUrl + "/reports/outcomes");
        await ShotAsync(page, "outcomes-1-clinic");
        var text = await page.Locator("main").InnerTextAsync();
        Assert.Contains("2 courses", text, StringComparison.Ordinal);
        Assert.Matches(@"Improved at course end\s+1 of 2 \(50%\)", text);
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Pain after the course by group (2 courses)" });
        Assert.True(await chart.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the chart did not render");

        await page.GetByLabel("Therapist").SelectOptionAsync(clinic.Address("amy"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.GetByText("1 course", new() { Exact = true }).WaitForAsync();
        await ShotAsync(page, "outcomes-2-one-therapist");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Spreadsheet files (CSV, in a zip)" }).ClickAsync());
        var path = Path.Combine(Path.GetTempPath(), $"followup-export-{Guid.NewGuid():N}.zip");
        await download.SaveAsAsync(path);
        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Equal(["alerts.csv", "check_ins.csv", "consents.csv", "courses.csv", "replies.csv"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            using var reader = new StreamReader(zip.GetEntry("courses.csv")!.Open());
            var courses = await reader.ReadToEndAsync();
            Assert.StartsWith("course_id,patient_id,patient_name", courses, StringComparison.Ordinal);
            Assert.Contains("Dana", courses, StringComparison.Ordinal);
            Assert.DoesNotContain("Bartholomew", courses, StringComparison.Ordinal); // the therapist filter holds for the download too
        }
        File.Delete(path);
        var audited = await ScalarAsync<string>(clinic, "SELECT actor || ' ' || (detail->>'format') || ' ' || (detail->>'courses') FROM audit_log WHERE kind = 'export.downloaded'", null);
        Assert.Equal($"{clinic.Address("admin")} csv 1", audited);
    }

    /// <summary>Every admin page as the admin sees it, on a desktop and on a phone, for a person to look at.</summary>
    [Fact]
    public async Task Every_admin_page_shows_at_desktop_and_phone_width_with_nothing_cut_off()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var bens = await ScalarAsync<long>(clinic.Clinic, "SELECT patient_id FROM courses WHERE id = @course", new { course = clinic.BenCourse });
        await using (var connection = await clinic.Clinic.Data.OpenConnectionAsync())
            await FollowUp.Alerts.Unreachable.MarkAsync(connection, null, bens, "550 5.1.1 <bartholomew@example.org>: Recipient address rejected: User unknown", clinic.Clinic.Clock.GetUtcNow(), default);
        clinic.Clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 9, 31, 0, TimeSpan.Zero));
        await clinic.Clinic.Dispatch.SendDueAsync(default);
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await SignedInPageAsync(browser, clinic.Web, clinic.Admin);

        foreach (var (width, height) in new[] { (1280, 900), (360, 800) })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var route in AdminRoutes)
            {
                var response = await page.GotoAsync(clinic.Web.BaseUrl + route);
                Assert.True(response?.Status == 200, $"{route}: {response?.Status}");
                await ShotAsync(page, $"page{route.Replace('/', '-')}-{width}");
                // Nothing wider than the screen but what scrolls inside its own box (a wide table).
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Assert.True(overflow <= 0, $"{route} at {width} px is {overflow} px wider than the screen");
            }
        }
    }

    private static readonly string[] AdminRoutes = ["/admin/sends", "/admin/suppressions", "/admin/users", "/reports/status", "/reports/audit", "/reports/outcomes"];

    private static readonly BrowserTypeLaunchPersistentContextOptions Desktop = new() { ViewportSize = new() { Width = 1280, Height = 900 }, AcceptDownloads = true };

    /// <summary>A page of <paramref name="browser"/> signed in as <paramref name="email"/> (through the link page; the sign-in email itself is tested elsewhere).</summary>
    private static async Task<IPage> SignedInPageAsync(Chromium browser, WebFaceHost web, string email)
    {
        using var http = web.NewBrowser();
        await web.SignInAsync(http, email);
        var cookies = http.Cookies.GetCookies(new Uri(web.BaseUrl)).Cast<System.Net.Cookie>()
            .Select(c => new Microsoft.Playwright.Cookie { Name = c.Name, Value = c.Value, Url = web.BaseUrl }).ToList();
        await browser.Context.AddCookiesAsync(cookies);
        return browser.Context.Pages.Count > 0 ? browser.Context.Pages[0] : await browser.Context.NewPageAsync();
    }

    private static readonly Lazy<string> Shots = new(() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "followup-web-screenshots",
        "admin-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture))).FullName);

    private async Task ShotAsync(IPage page, string name)
    {
        var path = Path.Combine(Shots.Value, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        Console.WriteLine($"FollowUp web screenshots: {Shots.Value}");
    }

    private static async Task AddUserAsync(Clinic clinic, string local, string role)
    {
        if (role == Roles.Therapist) await clinic.Services.GetRequiredService<FollowUp.Courses.Therapists>().AddAsync(clinic.Address(local), null, "test", default);
        await clinic.Services.GetRequiredService<UserDirectory>().AddAsync(clinic.Address(local), role, null, "test", default);
    }

    private static async Task<T> ScalarAsync<T>(Clinic clinic, string sql, object? args)
    {
        await using var connection = await clinic.Data.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, args);
    }
}
