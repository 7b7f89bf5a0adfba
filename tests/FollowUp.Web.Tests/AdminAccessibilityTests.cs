using System.Text;
using FollowUp.Tests.Support;
using Microsoft.Playwright;

namespace FollowUp.Tests.Web;

public partial class AccessibilityTests
{
    /// <summary>
    /// axe-core on every admin and report page, in the states an admin meets them: a schedule new, opened, with its
    /// errors shown by the button and as typed, with its preview; an import's row report; a search; every list.
    /// </summary>
    [Fact]
    public async Task Every_admin_and_report_page_has_no_serious_or_critical_accessibility_violation()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var checked_ = new List<string>();
        var violations = new List<string>();
        // The web face's policy is bypassed so that axe can be injected; the pages' own script runs as it does anyway.
        await using var desk = await Chromium.LaunchAsync(new BrowserTypeLaunchPersistentContextOptions { ViewportSize = new() { Width = 1280, Height = 900 }, BypassCSP = true });
        var page = desk.Context.Pages.Count > 0 ? desk.Context.Pages[0] : await desk.Context.NewPageAsync();
        async Task Check(string what)
        {
            checked_.Add(what);
            foreach (var v in await Axe.SeriousViolationsAsync(page)) violations.Add($"{what}: {v}");
        }
        async Task Visit(string path, string what)
        {
            await page.GotoAsync(clinic.Web.BaseUrl + path);
            await Check(what);
        }
        await BrowserSignIn.SignInAsync(page, clinic.Web, clinic.Admin);

        await Visit("/admin/schedules", "schedules");
        await Visit("/admin/schedules/edit", "new schedule");
        await Visit("/admin/schedules/edit?name=default", "a schedule");
        await page.Locator("#text-en").FillAsync("Hello {{ patinet_name }}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and preview" }).ClickAsync();
        await page.Locator("#problems").WaitForAsync();
        await Check("a schedule with its errors shown");
        await page.Locator("#text-en").FillAsync("Hello {{ patient_name }}, {{ patinet_name }}\n{{ questions }}");
        await page.WaitForFunctionAsync("() => document.querySelector('#check #problems')?.innerText.includes('line 1, column 30')", null, new() { Timeout = 60_000 });
        await Check("a schedule with its errors shown as typed");
        await page.Locator("#text-en").FillAsync("Hello {{ patient_name }},\n{{ questions }}");
        await page.WaitForFunctionAsync("() => document.querySelector('#check #checked') !== null", null, new() { Timeout = 60_000 });
        await Check("a schedule with its preview");

        await Visit("/admin/enrol", "enrol");
        await Visit("/admin/import", "import");
        var csv = "Client name;Email;Therapist;First session;Last session;Pain before;Pain after;Time zone\r\n"
            + $"Hannah Becker;hannah.becker@{clinic.Clinic.Domain};{clinic.Amy};28/09/2026;30/10/2026;7;3;Europe/Berlin\r\n"
            + $"Priya Shah;priya.shah@{clinic.Clinic.Domain};{clinic.Amy};31/09/2026;30/10/2026;8;4;Europe/London\r\n";
        await page.GetByLabel("The CSV file").SetInputFilesAsync(new FilePayload { Name = "export.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByLabel("How the file writes dates").SelectOptionAsync("en-GB");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and check" }).ClickAsync();
        await page.Locator("table.report").WaitForAsync();
        await Check("import with its row report");
        await Visit("/admin/courses", "courses");
        await Visit("/admin/courses?q=Dana", "courses, a search");
        await Visit("/admin/sends", "send log");
        await Visit("/admin/sends?status=failed", "send log, failed");
        await Visit("/admin/suppressions", "suppressions");
        await Visit("/admin/users", "users");
        await Visit("/reports/status", "status");
        await Visit("/reports/audit", "audit");
        await Visit("/reports/outcomes", "outcomes");

        output.WriteLine($"axe-core on {checked_.Count} admin pages: {string.Join("; ", checked_)}");
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
