using System.Text.RegularExpressions;
using Dapper;
using FollowUp.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FollowUp.Tests.Web;

/// <summary>
/// axe-core on every page, in every state a person meets it (signed out, signed in, a patient's page before and after
/// the answer, every refusal, every error page): no serious or critical violation. Therapist pages at a desktop
/// width, patient pages on a 360-pixel phone.
/// </summary>
public partial class AccessibilityTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> AlertAtOnce = new() { ["FollowUp:Alerts:ConfirmingCheckIn"] = "false" };

    [Fact]
    public async Task Every_page_has_no_serious_or_critical_accessibility_violation()
    {
        await using var clinic = await PatientClinic.OpenAsync(AlertAtOnce);
        await clinic.SendOnAsync(9);
        var week1 = await PatientClinic.NewestEmailAsync(clinic.Dana);
        var checked_ = new List<string>();
        var violations = new List<string>();

        await using (var phone = await Chromium.LaunchAsync(PatientBrowserTests.Phone(javaScript: true)))
        {
            var page = phone.Context.Pages.Count > 0 ? phone.Context.Pages[0] : await phone.Context.NewPageAsync();
            async Task Check(string what)
            {
                checked_.Add(what);
                foreach (var v in await Axe.SeriousViolationsAsync(page)) violations.Add($"{what}: {v}");
            }
            var answer = PatientClinic.AnswerLink(week1);
            await page.GotoAsync(answer);
            await Check("answer page");
            // The browser will not send a form with a required question left out; a page that lost its attributes can.
            await page.EvaluateAsync("() => document.querySelectorAll('input[required]').forEach(i => i.removeAttribute('required'))");
            await PatientBrowserTests.TapAsync(page, "Your back pain over the past week", "7");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send my answer" }).ClickAsync();
            await page.GetByText("Please choose an answer to every question").WaitForAsync();
            await Check("answer page, a question left out");
            await PatientBrowserTests.TapAsync(page, "Your mood over the past week", "3");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send my answer" }).ClickAsync();
            await page.GetByText("your answer has been recorded").WaitForAsync();
            await Check("answer page, thanks");
            await page.GotoAsync(answer);
            await Check("answer page, answered already");
            await page.GotoAsync(clinic.Web.BaseUrl + "/answer?token=c1-forged");
            await Check("answer page, a link that does not work");
            await clinic.SendOnAsync(16);
            await page.GotoAsync(PatientClinic.AnswerLink(await PatientClinic.NewestEmailAsync(clinic.Dana, 2)));
            await Check("answer page with the PHQ-2");
            await page.GotoAsync(clinic.Web.BaseUrl + "/unsubscribe?token=c1-forged");
            await Check("unsubscribe page, a link that does not work");
            await page.GotoAsync(PatientClinic.UnsubscribeLink(await PatientClinic.NewestEmailAsync(clinic.Bart)));
            await Check("unsubscribe page");
            await page.GetByRole(AriaRole.Button, new() { Name = "Stop the emails" }).ClickAsync();
            await page.GetByText("you will get no more follow-up emails from us").WaitForAsync();
            await Check("unsubscribe page, done");
            await using (var connection = await clinic.Clinic.Data.OpenConnectionAsync())
                clinic.Clinic.Clock.SetUtcNow(new DateTimeOffset(await connection.ExecuteScalarAsync<DateTime>(
                    "SELECT expires_at FROM check_ins WHERE course_id = @c AND sequence = 2", new { c = clinic.DanaCourse }), TimeSpan.Zero).AddMinutes(1));
            await page.GotoAsync(PatientClinic.AnswerLink(await PatientClinic.NewestEmailAsync(clinic.Dana, 2)));
            await Check("answer page, expired");
        }

        await using (var desk = await Chromium.LaunchAsync(new BrowserTypeLaunchPersistentContextOptions { ViewportSize = new() { Width = 1280, Height = 900 }, BypassCSP = true }))
        {
            var page = desk.Context.Pages.Count > 0 ? desk.Context.Pages[0] : await desk.Context.NewPageAsync();
            async Task Check(string what)
            {
                checked_.Add(what);
                foreach (var v in await Axe.SeriousViolationsAsync(page)) violations.Add($"{what}: {v}");
            }
            foreach (var code in new[] { 400, 404, 429, 500 })
            {
                await page.GotoAsync(clinic.Web.BaseUrl + $"/status/{code}");
                await Check($"error page {code}");
            }
            await page.GotoAsync(clinic.Web.BaseUrl + "/signin/link?token=not-a-link");
            await Check("sign-in link that does not work");
            await page.GotoAsync(clinic.Web.BaseUrl + "/signin");
            await Check("sign-in");
            await page.GetByLabel("Email address").FillAsync(clinic.Amy);
            await page.GetByRole(AriaRole.Button, new() { Name = "Email me a sign-in link" }).ClickAsync();
            await page.GetByText("a sign-in link is on its way").WaitForAsync();
            await Check("sign-in, link sent");
            var email = (await new Mailbox(clinic.Amy).WaitForAsync(1)).Single();
            await page.GotoAsync(SignInLink().Match(email.TextBody ?? "").Value);
            await Check("sign-in link");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync(clinic.Web.BaseUrl + "/patients");
            await Check("my patients");
            foreach (var (path, what) in new[] { ($"/courses/{clinic.DanaCourse}", "a course"), ("/alerts", "alerts, open"), ("/alerts?inbox=acknowledged", "alerts, acknowledged"),
                         ("/alerts?inbox=escalated", "alerts, escalated"), ("/status/404", "error page 404, signed in") })
            {
                await page.GotoAsync(clinic.Web.BaseUrl + path);
                await Check(what);
            }
            await page.SetViewportSizeAsync(360, 740);
            foreach (var (path, what) in new[] { ("/patients", "my patients on a phone"), ($"/courses/{clinic.DanaCourse}", "a course on a phone") })
            {
                await page.GotoAsync(clinic.Web.BaseUrl + path);
                await Check(what);
            }
        }

        output.WriteLine($"axe-core on {checked_.Count} pages: {string.Join("; ", checked_)}");
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [GeneratedRegex(@"https?://\S+/signin/link\?token=[A-Za-z0-9_-]+")]
    private static partial Regex SignInLink();
}
