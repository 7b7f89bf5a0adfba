using System.Text.RegularExpressions;
using Dapper;
using FollowUp.Demo;
using FollowUp.Tests.Support;
using FollowUp.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FollowUp.Tests.Web;

/// <summary>
/// A therapist's morning in Debian's Chromium, headless, driven by Playwright: she asks for a sign-in link, opens the
/// real email from her real mailbox, signs in, sees only her own patients, opens a course and acknowledges its alert.
/// The screenshots are kept (the path is printed) for a person to look at.
/// </summary>
public partial class TherapistBrowserTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> AlertAtOnce = new() { ["FollowUp:Alerts:ConfirmingCheckIn"] = "false" };

    [Fact]
    public async Task A_therapist_signs_in_from_the_emailed_link_sees_only_her_patients_and_acknowledges_an_alert()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero), AlertAtOnce);
        var dana = await EnrolAsync(clinic, "Dana Example", "dana.example", painAtStart: 8, painAtEnd: 3, therapist: "amy", "Amy Lind");
        await EnrolAsync(clinic, "Bartholomew Other", "bart", painAtStart: 6, painAtEnd: 2, therapist: "ben", "Ben Okafor");
        var users = clinic.Services.GetRequiredService<UserDirectory>();
        await users.AddAsync(clinic.Address("amy"), Roles.Therapist, "Amy", "test", default);
        await users.AddAsync(clinic.Address("ben"), Roles.Therapist, "Ben", "test", default);
        await AnswerAsync(clinic, "dana.example", "Pain 3, mood 8\n\nMuch better, thank you!", "Pain 7, mood 3\n\nIt came back after I moved house. Lifting boxes.");
        await using var web = await WebFaceHost.StartAsync(clinic, AlertAtOnce);
        var shots = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "followup-web-screenshots", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture))).FullName;
        output.WriteLine($"screenshots: {shots}");
        Console.WriteLine($"FollowUp web screenshots: {shots}");

        await using var browser = await Chromium.LaunchAsync(new BrowserTypeLaunchPersistentContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = browser.Context.Pages.Count > 0 ? browser.Context.Pages[0] : await browser.Context.NewPageAsync();
        await BrowserSignIn.SignInAsync(page, web, clinic.Address("amy"), Path.Combine(shots, "1-link-sent.png"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "2-my-patients.png"), FullPage = true });
        var list = await page.Locator("main").InnerTextAsync();
        Assert.Contains("Dana Example", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Bartholomew", list, StringComparison.Ordinal);
        Assert.Contains("1 open, urgent", list, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Dana Example" }).ClickAsync();
        await page.WaitForURLAsync(web.BaseUrl + $"/courses/{dana}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "3-course.png"), FullPage = true });
        var course = await page.Locator("main").InnerTextAsync();
        Assert.Contains("It came back after I moved house", course, StringComparison.Ordinal);
        Assert.Contains("pain 7", course, StringComparison.Ordinal);
        Assert.Contains("Pain 7 at week 2", course, StringComparison.Ordinal);

        await page.GetByLabel("Note (optional)").FillAsync("Called her, booked a session for Thursday");
        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"/courses/{dana}\\?acknowledged="));
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "4-course-acknowledged.png"), FullPage = true });
        await page.GotoAsync(web.BaseUrl + "/alerts?inbox=acknowledged");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "5-alerts-acknowledged.png"), FullPage = true });
        Assert.Contains(clinic.Address("amy"), await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.SetViewportSizeAsync(360, 800);
        await page.GotoAsync(web.BaseUrl + "/patients");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "6-my-patients-phone.png"), FullPage = true });

        await using var connection = await clinic.Data.OpenConnectionAsync();
        var ack = await connection.QuerySingleAsync<(string Status, string By)>("SELECT status, acknowledged_by FROM alerts WHERE course_id = @dana", new { dana });
        Assert.Equal(("acknowledged", clinic.Address("amy")), ack);
        var note = await connection.ExecuteScalarAsync<string>("SELECT detail->>'note' FROM audit_log WHERE kind = 'alert_acknowledged'");
        Assert.Equal("Called her, booked a session for Thursday", note);
        var views = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'web.viewed' AND actor = @amy", new { amy = clinic.Address("amy") });
        Assert.True(views >= 4, $"{views} views audited"); // my patients twice, the course twice, the alerts
    }

    private static Task<long> EnrolAsync(Clinic clinic, string name, string local, int painAtStart, int painAtEnd, string therapist, string therapistName)
    {
        var today = DateOnly.FromDateTime(clinic.Clock.GetUtcNow().UtcDateTime);
        return clinic.Enrolment.EnrolAsync(new FollowUp.Courses.Enrolment
        {
            PatientName = name, PatientEmail = clinic.Address(local), TimeZone = "Europe/London", TherapistEmail = clinic.Address(therapist),
            TherapistName = therapistName, StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = painAtStart, PainAtEnd = painAtEnd,
        }, default);
    }

    /// <summary>The patient answers her check-ins by email through the real servers, as the worker would read them.</summary>
    private static async Task AnswerAsync(Clinic clinic, string patient, params string[] answers)
    {
        var person = new SimulatedPatient(clinic.Address(patient), clinic.Imap, Clinic.Smtp);
        var mailbox = new Mailbox(person.Address);
        var due = new[] { 9, 16 };
        for (var i = 0; i < answers.Length; i++)
        {
            clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, due[i], 9, 31, 0, TimeSpan.Zero));
            await clinic.Dispatch.SendDueAsync(default);
            var checkIn = (await mailbox.WaitForAsync(i + 1)).OrderBy(m => m.Date).Last();
            clinic.Clock.Advance(TimeSpan.FromHours(2));
            await person.ReplyAsync(checkIn, answers[i], clinic.Clock.GetUtcNow(), default);
            await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
            Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);
            await new Mailbox(clinic.RepliesAddress).WaitForAsync(i + 1, "Processed");
        }
    }
}
