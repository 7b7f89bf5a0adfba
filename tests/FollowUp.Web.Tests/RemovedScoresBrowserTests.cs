using System.Text.RegularExpressions;
using FollowUp.Courses;
using FollowUp.Schedules;
using FollowUp.Tests.Support;
using FollowUp.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FollowUp.Tests.Web;

/// <summary>
/// A course whose scores retention removed, as its therapist sees it in Chromium: My patients and the course page say
/// the scores were removed, and neither shows a pain of 0 the patient never gave nor "no answer yet" for answers given.
/// </summary>
public class RemovedScoresBrowserTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    // Short periods so that the test can walk past them; in the defaults' order.
    private static readonly Dictionary<string, string?> Periods = new()
    {
        ["FollowUp:Retention:RawEmails"] = "30.00:00:00",
        ["FollowUp:Retention:ReplyText"] = "60.00:00:00",
        ["FollowUp:Retention:SentEmails"] = "60.00:00:00",
        ["FollowUp:Retention:AuditDetails"] = "90.00:00:00",
        ["FollowUp:Retention:Scores"] = "120.00:00:00",
    };

    private static readonly Regex AnnRow = new(@"\bAnn\b"), BeaRow = new(@"\bBea\b");

    [Fact]
    public async Task My_patients_and_the_course_page_show_scores_removed_by_retention_never_pain_0()
    {
        await using var clinic = await Clinic.OpenAsync(Start, Periods);
        await clinic.Schedules.SaveAsync(ScheduleFile.Parse("""{ "name": "once", "checkIns": [ { "days": 7 } ] }"""), "test", default);
        // Ann answered 7 days after Start, Bea 57 days after: at Start + 130 only Ann's scores are past 120 days.
        var ann = await FollowedUpAsync(clinic, "Ann", "Pain 3, mood good.");
        clinic.Clock.SetUtcNow(Start + TimeSpan.FromDays(50));
        await FollowedUpAsync(clinic, "Bea", "Pain 2, mood fine.");
        await clinic.Services.GetRequiredService<UserDirectory>().AddAsync(clinic.Address("therapist"), Roles.Therapist, "Sam", "test", default);
        clinic.Clock.SetUtcNow(Start + TimeSpan.FromDays(130));
        await clinic.Services.GetRequiredService<FollowUp.DataProtection.Retention>().RunAsync("test", default);
        await using var web = await WebFaceHost.StartAsync(clinic, Periods);

        await using var browser = await Chromium.LaunchAsync(new BrowserTypeLaunchPersistentContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = browser.Context.Pages.Count > 0 ? browser.Context.Pages[0] : await browser.Context.NewPageAsync();
        await BrowserSignIn.SignInAsync(page, web, clinic.Address("therapist"));
        await page.GotoAsync(web.BaseUrl + "/patients");
        var annRow = await page.Locator("tbody tr", new() { HasTextRegex = AnnRow }).InnerTextAsync();
        var beaRow = await page.Locator("tbody tr", new() { HasTextRegex = BeaRow }).InnerTextAsync();
        var annChart = await page.Locator("tbody tr", new() { HasTextRegex = AnnRow }).Locator("svg").GetAttributeAsync("aria-label");

        Assert.Contains("scores removed by retention", annRow, StringComparison.Ordinal);
        Assert.DoesNotContain("pain", annRow, StringComparison.Ordinal);
        Assert.DoesNotContain("no answer yet", annRow, StringComparison.Ordinal);
        Assert.Contains("removed by retention", annChart, StringComparison.Ordinal);
        Assert.Contains("pain 2", beaRow, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Ann" }).ClickAsync();
        await page.WaitForURLAsync(web.BaseUrl + $"/courses/{ann}");
        var course = await page.Locator("main").InnerTextAsync();
        var courseChart = await page.Locator("main figure svg").GetAttributeAsync("aria-label");

        Assert.Contains("scores removed by retention on", course, StringComparison.Ordinal);
        Assert.Contains("removed by retention", await page.Locator("table.checkins tbody").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\bpain 0\b", course);
        Assert.DoesNotContain("no reply", course, StringComparison.Ordinal);
        Assert.Contains("removed by retention", courseChart, StringComparison.Ordinal);
    }

    /// <summary>One course on the one-check-in schedule, its check-in sent and answered by email through the real servers.</summary>
    private static async Task<long> FollowedUpAsync(Clinic clinic, string patient, string reply)
    {
        var today = DateOnly.FromDateTime(clinic.Clock.GetUtcNow().UtcDateTime);
        var address = clinic.Address(patient.ToLowerInvariant());
        var course = await clinic.Enrolment.EnrolAsync(new Enrolment
        {
            PatientName = patient, PatientEmail = address, TimeZone = "Europe/London", TherapistEmail = clinic.Address("therapist"),
            TherapistName = "Sam Taylor", StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = 8, PainAtEnd = 3, Schedule = "once",
        }, default);
        clinic.Clock.SetUtcNow(new DateTimeOffset(clinic.Clock.GetUtcNow().UtcDateTime.Date.AddDays(7).AddHours(10), TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var checkIn = (await new Mailbox(address).WaitForAsync(1)).Single();
        await Clinic.SendAsync(Clinic.ReplyTo(checkIn, address, "Re: " + checkIn.Subject, reply));
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);
        return course;
    }
}
