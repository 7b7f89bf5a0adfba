using System.Text;
using Dapper;
using FollowUp.Courses.Import;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FollowUp.Tests.Web;

/// <summary>
/// The admin pages in Debian's Chromium at 1280 and 360 pixels: a complaint suppression shown and lifted; the import
/// page's limit and columns, and the files clinics really upload by mistake (too large, empty, a spreadsheet, UTF-16,
/// Windows-1252); a stalled import started again from the stored file; every admin page without sideways scrolling on
/// a phone; the course page's audit entries as fields; a form sent twice. Screenshots go to /tmp/web18b-shots (and
/// the run's screenshot folder).
/// </summary>
public class AdminPagesBrowserTests(ITestOutputHelper output)
{
    private static readonly BrowserTypeLaunchPersistentContextOptions Desktop = new() { ViewportSize = new() { Width = 1280, Height = 900 } };
    private static readonly BrowserTypeLaunchPersistentContextOptions Phone = new() { ViewportSize = new() { Width = 360, Height = 740 } };

    [Fact]
    public async Task An_admin_sees_a_complaint_suppression_with_why_and_when_and_lifts_it()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var patient = await ScalarAsync<long>(clinic, "SELECT patient_id FROM courses WHERE id = @c", new { c = clinic.AmyCourse });
        await using (var connection = await clinic.Clinic.Data.OpenConnectionAsync())
            await FollowUp.Alerts.Unreachable.MarkAsync(connection, null, patient, FollowUp.Alerts.Unreachable.Complaint,
                "marked check-in 1 as spam at their mailbox provider (complaint report (Feedback-Type abuse) from feedback@arf.mail.yahoo.com)", clinic.Clinic.Clock.GetUtcNow(), default);
        await using var browser = await Chromium.LaunchAsync(Phone);
        var page = await SignedInAsync(browser, clinic);

        await page.GotoAsync(clinic.Web.BaseUrl + "/admin/suppressions");
        await ShotAsync(page, "suppressions-complaint-360");
        var row = await page.Locator("table.suppressions tbody tr").InnerTextAsync();
        Assert.Contains("Complaint: reported a check-in as spam", row, StringComparison.Ordinal);
        Assert.Contains("Feedback-Type abuse", row, StringComparison.Ordinal);
        Assert.Contains("2026-11-02", row, StringComparison.Ordinal);
        await AssertNoSidewaysScrollAsync(page, "/admin/suppressions");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Lift the suppression of {clinic.Clinic.Address("dana")}" }).ClickAsync();
        await page.GetByText("go out again").WaitForAsync();
        await ShotAsync(page, "suppressions-complaint-lifted-360");
        Assert.Contains("No address is suppressed", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("complaint", await ScalarAsync<string>(clinic, "SELECT detail->'before'->>'because' FROM audit_log WHERE kind = 'patient.suppression_lifted'"));
    }

    [Fact]
    public async Task The_import_page_states_its_limit_and_columns_and_answers_a_large_an_empty_and_a_spreadsheet_file_on_the_page()
    {
        await using var clinic = await WebClinic.OpenAsync(new Dictionary<string, string?> { ["FollowUp:Import:MaxUploadBytes"] = "4096" });
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await SignedInAsync(browser, clinic);

        await page.GotoAsync(clinic.Web.BaseUrl + "/admin/import");
        await ShotAsync(page, "import-help-1280");
        Assert.Contains("at most 4 KB", await page.Locator("label[for=file]").InnerTextAsync(), StringComparison.Ordinal);
        var columns = await page.Locator("table.columns").InnerTextAsync();
        Assert.Contains("ended_on\tyes", columns, StringComparison.Ordinal);
        Assert.Contains("dateoflastsession", columns, StringComparison.Ordinal);
        Assert.Contains("language\tno", columns, StringComparison.Ordinal);

        var big = new StringBuilder("Client name,Email,Therapist,First session,Last session,Pain before,Pain after,Time zone\n");
        while (big.Length < 10 * 1024) big.Append(FormattableString.Invariant($"Someone,someone@{clinic.Clinic.Domain},{clinic.Amy},2026-10-01,2026-10-30,6,3,Europe/London\n"));
        var problem = await UploadAsync(page, clinic, "Kundenexport.csv", Encoding.UTF8.GetBytes(big.ToString()));
        await ShotAsync(page, "import-too-large-1280");
        Assert.Contains($"Kundenexport.csv is {FollowUp.Courses.Import.ImportOptions.Size(Encoding.UTF8.GetByteCount(big.ToString()))}, more than the 4 KB an upload may be", problem, StringComparison.Ordinal);

        problem = await UploadAsync(page, clinic, "empty.csv", []);
        Assert.Contains("empty.csv is empty (0 bytes)", problem, StringComparison.Ordinal);

        problem = await UploadAsync(page, clinic, "courses.xlsx", [(byte)'P', (byte)'K', 3, 4, 20, 0, 6, 0, 8, 0, 0, 0, 33, 0]);
        await ShotAsync(page, "import-spreadsheet-1280");
        Assert.Contains("courses.xlsx: is a ZIP archive (an Excel .xlsx or .ods?)", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("windows-1252")]
    public async Task An_export_in_utf_16_or_windows_1252_is_read_right_and_its_accented_names_stored_as_written(string encoding)
    {
        await using var clinic = await WebClinic.OpenAsync();
        var csv = "Client name;Email;Therapist;First session;Last session;Pain before;Pain after;Time zone\r\n"
            + $"Lucía García;lucia.garcia@{clinic.Clinic.Domain};{clinic.Amy};2026-10-05;2026-11-01;9;5;Europe/Madrid\r\n"
            + $"Jürgen Müller;juergen@{clinic.Clinic.Domain};{clinic.Amy};2026-10-05;2026-11-01;7;4;Europe/Berlin\r\n";
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        // Excel's "Unicode text" is UTF-16 little-endian with its byte-order mark; Excel's "CSV" on Western Windows is 1252.
        var bytes = encoding == "utf-16" ? [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(csv)] : Encoding.GetEncoding(1252).GetBytes(csv);
        await using var browser = await Chromium.LaunchAsync(Phone);
        var page = await SignedInAsync(browser, clinic);

        await page.GotoAsync(clinic.Web.BaseUrl + "/admin/import");
        await page.GetByLabel("The CSV file").SetInputFilesAsync(new FilePayload { Name = "export.csv", MimeType = "text/csv", Buffer = bytes });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and check" }).ClickAsync();
        var summary = await page.Locator("#report-summary").InnerTextAsync();
        await ShotAsync(page, $"import-{encoding}-360");
        Assert.Contains($"Read 2 rows ({encoding}", summary, StringComparison.Ordinal);
        Assert.Contains("2 can be enrolled", summary, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Store all 2 rows" }).ClickAsync();
        await page.Locator("#stored").WaitForAsync();
        await using var db = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal("Jürgen Müller, Lucía García", string.Join(", ", await db.QueryAsync<string>("SELECT name FROM patients WHERE name NOT IN ('Dana', 'Bartholomew') ORDER BY name")));
    }

    [Fact]
    public async Task An_import_whose_web_server_stopped_mid_way_is_started_again_from_the_stored_file_without_uploading_it()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var csv = "Client name,Email,Therapist,First session,Last session,Pain before,Pain after,Time zone\n"
            + $"Hannah Becker,hannah.becker@{clinic.Clinic.Domain},{clinic.Amy},2026-09-28,2026-10-30,7,3,Europe/Berlin\n"
            + $"Tom O'Neill,tom.oneill@{clinic.Clinic.Domain},{clinic.Amy},2026-10-01,2026-10-29,6,2,Europe/London\n";
        var admin = await ScalarAsync<long>(clinic, "SELECT id FROM users WHERE email = @e", new { e = clinic.Admin });
        var uploads = clinic.Clinic.Services.GetRequiredService<ImportUploads>();
        var id = await uploads.AddAsync(admin, "export.csv", Encoding.UTF8.GetBytes(csv), new UploadSettings(null, null, null), default);
        // Its web server stopped while it was being checked: an hour without progress.
        clinic.Clinic.Clock.Advance(TimeSpan.FromHours(1));
        await using var browser = await Chromium.LaunchAsync(Desktop);
        var page = await SignedInAsync(browser, clinic);

        await page.GotoAsync(clinic.Web.BaseUrl + $"/admin/import/{WebClinic.Id(id)}");
        await ShotAsync(page, "import-stalled-1280");
        Assert.Contains("the web server running it has stopped", await page.Locator("#stalled").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start again from the stored file" }).ClickAsync();
        var summary = await page.Locator("#report-summary").InnerTextAsync(new() { Timeout = 60_000 });
        Assert.Contains("2 can be enrolled", summary, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Store all 2 rows" }).ClickAsync();
        var stored = await page.Locator("#stored").InnerTextAsync(new() { Timeout = 60_000 });
        await ShotAsync(page, "import-restarted-stored-1280");
        Assert.Contains("Enrolled 2 courses", stored, StringComparison.Ordinal);
        Assert.Equal(2, await ScalarAsync<int>(clinic, "SELECT count(*) FROM patients WHERE name IN ('Hannah Becker', 'Tom O''Neill')"));
    }

    [Fact]
    public async Task Every_admin_page_fits_a_360_pixel_phone_without_sideways_scrolling_and_the_course_audit_reads_as_fields()
    {
        await using var clinic = await WebClinic.OpenAsync();
        await clinic.Clinic.Changes.PauseAsync(clinic.AmyCourse, clinic.Admin, default);
        var routes = new[]
        {
            "/admin/enrol", "/admin/import", "/admin/courses", "/admin/courses?q=dana", "/admin/schedules", "/admin/schedules/edit?name=default", "/admin/sends", "/admin/suppressions", "/admin/users",
            "/reports/status", "/reports/audit", "/reports/outcomes", $"/courses/{WebClinic.Id(clinic.AmyCourse)}",
        };
        var wide = new List<string>();
        foreach (var (options, width) in new[] { (Phone, 360), (Desktop, 1280) })
        {
            await using var browser = await Chromium.LaunchAsync(options);
            var page = await SignedInAsync(browser, clinic);
            foreach (var route in routes)
            {
                await page.GotoAsync(clinic.Web.BaseUrl + route);
                await ShotAsync(page, $"page{route.Replace('/', '-').Replace('?', '-').Replace('=', '-')}-{width}");
                var (scroll, inner) = await ScrollWidthAsync(page);
                if (scroll > inner) wide.Add($"{route} at {width} px: {scroll} > {inner}");
            }
            if (width == 360)
            {
                await page.GotoAsync(clinic.Web.BaseUrl + $"/courses/{WebClinic.Id(clinic.AmyCourse)}");
                var audit = await page.Locator("table.audit").InnerTextAsync();
                output.WriteLine(audit);
                Assert.Contains("status: active → paused", audit, StringComparison.Ordinal);
                Assert.DoesNotContain("{\"", audit, StringComparison.Ordinal);
            }
        }
        Assert.True(wide.Count == 0, "pages wider than the window: " + string.Join("; ", wide));
    }

    private static async Task<string> UploadAsync(IPage page, WebClinic clinic, string name, byte[] content)
    {
        await page.GotoAsync(clinic.Web.BaseUrl + "/admin/import");
        await page.GetByLabel("The CSV file").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/csv", Buffer = content });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and check" }).ClickAsync();
        Assert.EndsWith("/admin/import", page.Url, StringComparison.Ordinal);
        return await page.Locator("div.problem").InnerTextAsync();
    }

    private static async Task<(int Scroll, int Inner)> ScrollWidthAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string route)
    {
        var (scroll, inner) = await ScrollWidthAsync(page);
        Assert.True(scroll <= inner, $"{route} is {scroll} px wide in a {inner} px window");
    }

    private static async Task<IPage> SignedInAsync(Chromium browser, WebClinic clinic)
    {
        using var http = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(http, clinic.Admin);
        var cookies = http.Cookies.GetCookies(new Uri(clinic.Web.BaseUrl)).Cast<System.Net.Cookie>()
            .Select(c => new Microsoft.Playwright.Cookie { Name = c.Name, Value = c.Value, Url = clinic.Web.BaseUrl }).ToList();
        await browser.Context.AddCookiesAsync(cookies);
        return browser.Context.Pages.Count > 0 ? browser.Context.Pages[0] : await browser.Context.NewPageAsync();
    }

    private async Task ShotAsync(IPage page, string name)
    {
        foreach (var folder in new[] { "/tmp/web18b-shots", Shots.Value })
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
        output.WriteLine($"screenshot: {Path.Combine(Shots.Value, name + ".png")}");
        Console.WriteLine($"FollowUp web screenshots: {Shots.Value}");
    }

    private static readonly Lazy<string> Shots = new(() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "followup-web-screenshots",
        "admin-pages-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture))).FullName);

    private static async Task<T> ScalarAsync<T>(WebClinic clinic, string sql, object? args = null)
    {
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, args);
    }
}
