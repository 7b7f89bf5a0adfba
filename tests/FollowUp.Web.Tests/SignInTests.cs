using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using FollowUp.Tests.Support;
using FollowUp.Users;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.Web;

/// <summary>Sign-in by emailed link, on the real servers: the email is read from the therapist's real mailbox.</summary>
public partial class SignInTests
{
    [Fact]
    public async Task An_emailed_link_signs_in_once_only_in_the_browser_that_asked_and_never_on_a_GET()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var browser = clinic.Web.NewBrowser();
        using var stranger = clinic.Web.NewBrowser();

        var asked = await browser.PostAsync("/signin", new Dictionary<string, string> { ["email"] = clinic.Amy });
        var email = (await new Mailbox(clinic.Amy).WaitForAsync(1)).Single();
        var link = Link().Match(email.TextBody ?? "").Value;
        var path = new Uri(link).PathAndQuery;
        var token = path[(path.IndexOf('=', StringComparison.Ordinal) + 1)..];
        var scanned = await stranger.GetAsync(path); // a mail scanner or a forwarded copy
        var looked = await browser.GetAsync(path);
        var elsewhere = await stranger.PostAsync("/signin/link", new Dictionary<string, string> { ["token"] = token }, "/signin");
        var usedBeforeSignIn = await UsedLinksAsync(clinic);
        var signedIn = await browser.PostAsync("/signin/link", new Dictionary<string, string> { ["token"] = token }, path);
        var patients = await browser.GetAsync("/patients");
        var again = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, asked.Status);
        Assert.Contains("a sign-in link is on its way", asked.Body, StringComparison.Ordinal);
        Assert.StartsWith(clinic.Web.BaseUrl + "/signin/link?token=", link, StringComparison.Ordinal);
        Assert.Contains("asked for in another browser", scanned.Body, StringComparison.Ordinal);
        Assert.Contains(">Sign in</button>", looked.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.Status);
        Assert.Equal(0, usedBeforeSignIn);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        Assert.Equal("/patients", signedIn.Response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, patients.Status);
        Assert.Contains(WebClinic.AmysPatient, patients.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Contains("This link has been used already", again.Body, StringComparison.Ordinal);
        // Only hashes are stored: the link's secret is nowhere in the database.
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM sign_in_links WHERE position(convert_to(@token, 'UTF8') IN token_hash) > 0", new { token }));
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_page_as_a_known_one_and_no_link()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var browser = clinic.Web.NewBrowser();
        var stranger = clinic.Clinic.Address("nobody");

        var known = await browser.PostAsync("/signin", new Dictionary<string, string> { ["email"] = clinic.Amy });
        var unknown = await browser.PostAsync("/signin", new Dictionary<string, string> { ["email"] = stranger });
        await new Mailbox(clinic.Amy).WaitForAsync(1);

        Assert.Equal(known.Status, unknown.Status);
        Assert.Equal(WithoutTokens(known.Body).Replace(clinic.Amy, "ADDRESS", StringComparison.Ordinal),
            WithoutTokens(unknown.Body).Replace(stranger, "ADDRESS", StringComparison.Ordinal));
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM sign_in_links"));
    }

    [Fact]
    public async Task An_expired_link_is_refused_with_a_page_that_says_so()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var browser = clinic.Web.NewBrowser();
        await browser.PostAsync("/signin", new Dictionary<string, string> { ["email"] = clinic.Amy });
        var path = new Uri(Link().Match((await new Mailbox(clinic.Amy).WaitForAsync(1)).Single().TextBody ?? "").Value).PathAndQuery;

        clinic.Clinic.Clock.Advance(TimeSpan.FromMinutes(16));
        var late = await browser.PostAsync("/signin/link", new Dictionary<string, string> { ["token"] = path[(path.IndexOf('=', StringComparison.Ordinal) + 1)..] }, "/signin");
        var patients = await browser.GetAsync("/patients");

        Assert.Equal(HttpStatusCode.Gone, late.Status);
        Assert.Contains("This link has expired", late.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, patients.Status);
        Assert.StartsWith("/signin", patients.Response.Headers.Location?.AbsolutePath ?? patients.Response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_requests_are_limited_per_address_and_per_client()
    {
        await using var clinic = await WebClinic.OpenAsync(new Dictionary<string, string?>
        {
            ["FollowUp:Web:SignInRequestsPerAddress"] = "2",
            ["FollowUp:Web:SignInRequestsPerClient"] = "4",
        });
        using var browser = clinic.Web.NewBrowser();

        var statuses = new List<HttpStatusCode>();
        foreach (var who in new[] { "x1", "x1", "x1", "x2", "x3", "x4" })
            statuses.Add((await browser.PostAsync("/signin", new Dictionary<string, string> { ["email"] = clinic.Clinic.Address(who) }, "/signin")).Status);

        // x1's third request is over the address's limit (and not counted for the client); x4 is the client's fifth.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var refused = await browser.PostAsync("/signin", new Dictionary<string, string> { ["email"] = clinic.Clinic.Address("x5") }, "/signin");
        Assert.Contains("Too many requests", refused.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_user_is_signed_out_at_the_next_click()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var browser = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(browser, clinic.Amy);
        var before = await browser.GetAsync("/patients");

        await clinic.Clinic.Services.GetRequiredService<UserDirectory>().DisableAsync(clinic.Amy, "manager", default);
        var after = await browser.GetAsync("/patients");

        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(HttpStatusCode.Redirect, after.Status);
        Assert.DoesNotContain(WebClinic.AmysPatient, after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_of_the_session_cookie_ends_with_a_sign_out_and_stays_ended_when_a_disabled_user_is_enabled_again()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var amy = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(amy, clinic.Amy);
        using var copyOfAmys = CopyOf(clinic, amy);
        using var ben = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(ben, clinic.Ben);
        using var copyOfBens = CopyOf(clinic, ben);
        var copyBefore = await copyOfAmys.GetAsync("/patients");

        var signedOut = await amy.PostAsync("/signout", new Dictionary<string, string>(), "/patients");
        var copyAfterSignOut = await copyOfAmys.GetAsync("/patients");
        var users = clinic.Clinic.Services.GetRequiredService<UserDirectory>();
        await users.DisableAsync(clinic.Ben, "manager", default);
        await users.AddAsync(clinic.Ben, Roles.Therapist, "Ben", "manager", default);
        var copyAfterEnabled = await copyOfBens.GetAsync("/patients");
        using var amyAgain = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(amyAgain, clinic.Amy);
        var newSession = await amyAgain.GetAsync("/patients");

        Assert.Equal(HttpStatusCode.OK, copyBefore.Status);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.Status);
        Assert.Equal(HttpStatusCode.Redirect, copyAfterSignOut.Status);
        Assert.DoesNotContain(WebClinic.AmysPatient, copyAfterSignOut.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, copyAfterEnabled.Status);
        Assert.Equal(HttpStatusCode.OK, newSession.Status);
    }

    /// <summary>Another client holding the same cookies, as a copied cookie jar (a stolen laptop's) would.</summary>
    private static WebFaceHost.Browser CopyOf(WebClinic clinic, WebFaceHost.Browser browser)
    {
        var copy = clinic.Web.NewBrowser();
        foreach (System.Net.Cookie cookie in browser.Cookies.GetAllCookies()) copy.Cookies.Add(new Uri(clinic.Web.BaseUrl), new System.Net.Cookie(cookie.Name, cookie.Value, cookie.Path));
        return copy;
    }

    private static async Task<int> UsedLinksAsync(WebClinic clinic)
    {
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM sign_in_links WHERE used_at IS NOT NULL");
    }

    private static string WithoutTokens(string html) => AntiforgeryValue().Replace(html, "value=\"TOKEN\"");

    [GeneratedRegex(@"https?://\S+/signin/link\?token=[A-Za-z0-9_-]+")]
    private static partial Regex Link();

    [GeneratedRegex("value=\"CfDJ[^\"]+\"")]
    private static partial Regex AntiforgeryValue();
}
