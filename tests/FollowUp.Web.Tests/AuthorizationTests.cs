using System.Net;
using FollowUp.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FollowUp.Tests.Web;

/// <summary>
/// Every route of the web face, as every role and as another therapist: nothing of another therapist's patient
/// leaks, not even its existence. The routes are read from the running app, so a new page is walked too, and fails
/// here until its expectation is written down.
/// </summary>
public class AuthorizationTests(ITestOutputHelper output)
{
    private enum Who { Anonymous, Amy, Ben, Lead, Admin }

    [Fact]
    public async Task Every_route_as_every_role_shows_a_therapist_only_their_own_patients()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var routes = clinic.Web.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).Distinct()
            // Signing out last: the walk goes on signed in.
            .OrderBy(r => r == "/signout").ThenBy(r => r, StringComparer.Ordinal).ToList();
        var browsers = new Dictionary<Who, WebFaceHost.Browser>();
        foreach (var who in Enum.GetValues<Who>())
        {
            browsers[who] = clinic.Web.NewBrowser();
            if (who != Who.Anonymous) await clinic.Web.SignInAsync(browsers[who], who switch { Who.Amy => clinic.Amy, Who.Ben => clinic.Ben, Who.Lead => clinic.Lead, _ => clinic.Admin });
        }

        var cells = 0;
        var wrong = new List<string>();
        foreach (var route in routes)
        {
            // Each route with the ids of Ben's patient: Amy must get nothing of it; Ben, the lead and the admin may.
            var path = route.Replace("{id:long}", WebClinic.Id(route.StartsWith("/courses", StringComparison.Ordinal) ? clinic.BenCourse : clinic.BenAlert), StringComparison.Ordinal)
                .Replace("{code:int}", "404", StringComparison.Ordinal);
            foreach (var who in Enum.GetValues<Who>())
            {
                var browser = browsers[who];
                var get = await browser.GetAsync(path);
                var post = await browser.PostAsync(path, new Dictionary<string, string> { ["note"] = "seen", ["email"] = clinic.Clinic.Address("nobody"), ["token"] = "x" }, "/signin");
                cells += 2;
                output.WriteLine($"{who,-9} GET {path,-28} {(int)get.Status}   POST {(int)post.Status}");
                var expected = Expect(route, who);
                if (expected.Get != get.Status) wrong.Add($"{who} GET {path}: {(int)get.Status}, expected {(int)expected.Get}");
                if (expected.Post != post.Status) wrong.Add($"{who} POST {path}: {(int)post.Status}, expected {(int)expected.Post}");
                if (who is Who.Amy or Who.Anonymous)
                {
                    Assert.DoesNotContain(WebClinic.BensPatient, get.Body, StringComparison.Ordinal);
                    Assert.DoesNotContain(WebClinic.BensPatient, post.Body, StringComparison.Ordinal);
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        // The lists, every inbox of them, as Amy (signed in again): her patient, never Ben's.
        await clinic.Web.SignInAsync(browsers[Who.Amy], clinic.Amy);
        await clinic.Web.SignInAsync(browsers[Who.Lead], clinic.Lead);
        foreach (var list in new[] { "/patients", "/patients?page=2", "/alerts", "/alerts?inbox=escalated", "/alerts?inbox=acknowledged", $"/alerts?acknowledged={clinic.BenAlert}" })
        {
            var page = await browsers[Who.Amy].GetAsync(list);
            cells++;
            Assert.DoesNotContain(WebClinic.BensPatient, page.Body, StringComparison.Ordinal);
            Assert.DoesNotContain($"/courses/{clinic.BenCourse}\"", page.Body, StringComparison.Ordinal);
        }
        Assert.Contains(WebClinic.AmysPatient, (await browsers[Who.Amy].GetAsync("/patients")).Body, StringComparison.Ordinal);
        Assert.Contains(WebClinic.BensPatient, (await browsers[Who.Lead].GetAsync("/patients")).Body, StringComparison.Ordinal);
        output.WriteLine($"authorization matrix: {routes.Count} routes x {Enum.GetValues<Who>().Length} users x GET/POST = {cells} requests");
        foreach (var b in browsers.Values) b.Dispose();
    }

    [Fact]
    public async Task Another_therapists_alert_cannot_be_acknowledged_and_its_course_is_not_found_like_a_missing_one()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var amy = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(amy, clinic.Amy);

        var bens = await amy.PostAsync($"/alerts/{clinic.BenAlert}/ack", new Dictionary<string, string> { ["note"] = "mine now" }, "/alerts");
        var bensCourse = await amy.GetAsync($"/courses/{clinic.BenCourse}");
        var missingCourse = await amy.GetAsync("/courses/999999");
        var own = await amy.PostAsync($"/alerts/{clinic.AmyAlert}/ack", new Dictionary<string, string> { ["note"] = "called her", ["returnUrl"] = "/alerts" }, "/alerts");

        Assert.Equal(HttpStatusCode.NotFound, bens.Status);
        Assert.Equal("open", await clinic.AlertStatusAsync(clinic.BenAlert));
        Assert.Equal(HttpStatusCode.NotFound, bensCourse.Status);
        Assert.Equal(missingCourse.Status, bensCourse.Status);
        // The same page, but for the sign-out form's own antiforgery token.
        Assert.Equal(WithoutTokens(missingCourse.Body), WithoutTokens(bensCourse.Body));
        Assert.Equal(HttpStatusCode.Redirect, own.Status);
        Assert.Equal("acknowledged", await clinic.AlertStatusAsync(clinic.AmyAlert));
    }

    private static string WithoutTokens(string html) => System.Text.RegularExpressions.Regex.Replace(html, "value=\"CfDJ[^\"]+\"", "value=\"TOKEN\"");

    private static (HttpStatusCode Get, HttpStatusCode Post) AdminOnly(Who who, HttpStatusCode get, HttpStatusCode post) => who switch
    {
        Who.Anonymous => (HttpStatusCode.Redirect, HttpStatusCode.Redirect),
        Who.Admin => (get, post),
        _ => (HttpStatusCode.NotFound, HttpStatusCode.NotFound),
    };

    /// <summary>What each route must answer each user (GET, then POST with a valid antiforgery token).</summary>
    private static (HttpStatusCode Get, HttpStatusCode Post) Expect(string route, Who who)
    {
        const HttpStatusCode Ok = HttpStatusCode.OK, Redirect = HttpStatusCode.Redirect, NotFound = HttpStatusCode.NotFound,
            NotAllowed = HttpStatusCode.MethodNotAllowed, Conflict = HttpStatusCode.Conflict;
        var signedIn = who != Who.Anonymous;
        var seesBen = who is Who.Ben or Who.Lead or Who.Admin;
        return route switch
        {
            // A method a route does not take: 405 when signed in; a stranger is sent to sign in first, like everywhere.
            "/" => (Redirect, signedIn ? NotAllowed : Redirect),
            "/site.css" => (Ok, signedIn ? NotAllowed : Redirect),
            "/followup.js" => (Ok, signedIn ? NotAllowed : Redirect),
            "/signin" => (Ok, Ok),
            "/signin/link" => (NotFound, NotFound),
            "/status/{code:int}" => (NotFound, NotFound),
            "/signout" => (signedIn ? NotFound : Redirect, signedIn ? Redirect : Redirect),
            "/patients" => (signedIn ? Ok : Redirect, signedIn ? NotFound : Redirect),
            "/alerts" => (signedIn ? Ok : Redirect, signedIn ? NotFound : Redirect),
            // The patient pages: no sign-in, the link's token is the authority; without a valid one, nothing is there.
            "/answer" or "/unsubscribe" => (NotFound, NotFound),
            "/courses/{id:long}" => (!signedIn ? Redirect : seesBen ? Ok : NotFound, signedIn ? NotFound : Redirect),
            // Ben acknowledges his patient's alert (walked before the lead and the admin, who then find it acknowledged).
            "/alerts/{id:long}/ack" => (signedIn ? NotFound : Redirect, who switch { Who.Anonymous => Redirect, Who.Amy => NotFound, Who.Ben => Redirect, _ => Conflict }),
            // The admin pages: an admin only; a lead and a therapist find nothing there, as a stranger's page. The walk's
            // POST has none of a form's fields: refused (400) with the reasons, or 404 where there is no such upload.
            "/admin/schedules" => AdminOnly(who, Ok, NotFound),
            "/admin/schedules/edit" => AdminOnly(who, Ok, HttpStatusCode.BadRequest),
            "/admin/enrol" => AdminOnly(who, Ok, HttpStatusCode.BadRequest),
            "/admin/import" => AdminOnly(who, Ok, HttpStatusCode.BadRequest),
            "/admin/import/{id:long}" => AdminOnly(who, NotFound, NotFound),
            "/admin/courses" => AdminOnly(who, Ok, HttpStatusCode.BadRequest),
            // The admin pages: a therapist gets nothing; a lead sees the reports (status, audit, outcomes) and changes nothing;
            // a POST without a handler is no form of theirs (the forms post to ?handler=..., walked in OperationsFormTests).
            "/admin/sends" or "/admin/suppressions" or "/admin/users" => (!signedIn ? Redirect : who == Who.Admin ? Ok : NotFound, signedIn ? NotFound : Redirect),
            "/reports/status" or "/reports/audit" or "/reports/outcomes" => (!signedIn ? Redirect : who is Who.Lead or Who.Admin ? Ok : NotFound, signedIn ? NotFound : Redirect),
            _ => throw new Xunit.Sdk.XunitException($"route {route} has no expectation in the authorization matrix: write down who may do what there"),
        };
    }
}
