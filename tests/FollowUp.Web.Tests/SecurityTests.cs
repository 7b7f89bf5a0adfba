using System.Net;
using Dapper;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Web;

/// <summary>The web face's headers, cookies and forms, as a browser and an attacker's page see them.</summary>
public class SecurityTests
{
    [Fact]
    public async Task Every_response_forbids_inline_script_framing_referrers_and_sniffing()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var browser = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(browser, clinic.Amy);

        foreach (var path in new[] { "/signin", "/patients", $"/courses/{clinic.AmyCourse}", "/alerts", "/courses/999999", "/site.css", "/signin/link?token=nope" })
        {
            var (_, _, response) = await browser.GetAsync(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal); // no script at all, inline or not
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            if (path != "/site.css") Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
        var page = (await browser.GetAsync($"/courses/{clinic.AmyCourse}")).Body;
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", page, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Development", false)]
    [InlineData("Production", true)]
    public async Task The_session_cookie_is_HttpOnly_SameSite_and_Secure_outside_development(string environment, bool secure)
    {
        await using var clinic = await WebClinic.OpenAsync(environment: environment);
        // Cookies by hand: a Secure cookie is never sent back over this test's plain http, by design.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(clinic.Web.BaseUrl) };
        var nonce = FollowUp.Users.SignInLinks.NewSecret();
        var issued = (await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<FollowUp.Users.SignInLinks>(clinic.Web.Services)
            .IssueAsync(clinic.Amy, nonce, default))!.Value;
        using var look = new HttpRequestMessage(HttpMethod.Get, $"/signin/link?token={issued.Secret}");
        look.Headers.Add("Cookie", $"followup.signin={nonce}");
        if (secure) look.Headers.Add("X-Forwarded-Proto", "https"); // the clinic's TLS proxy in front
        var page = await http.SendAsync(look);
        var body = await page.Content.ReadAsStringAsync();
        var antiforgery = Assert.Single(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("followup.antiforgery=", StringComparison.Ordinal));
        var token = System.Text.RegularExpressions.Regex.Match(body, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/signin/link")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = issued.Secret, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) }),
        };
        post.Headers.Add("Cookie", $"followup.signin={nonce}; {antiforgery.Split(';')[0]}");
        if (secure) post.Headers.Add("X-Forwarded-Proto", "https");
        var signIn = await http.SendAsync(post);
        var session = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("followup.session=", StringComparison.Ordinal)).ToLowerInvariant();
        antiforgery = antiforgery.ToLowerInvariant();

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains("; httponly", session, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", session, StringComparison.Ordinal);
        Assert.Equal(secure, session.Contains("; secure", StringComparison.Ordinal));
        Assert.Contains("; httponly", antiforgery, StringComparison.Ordinal);
        Assert.Contains("; samesite=strict", antiforgery, StringComparison.Ordinal);
        Assert.Equal(secure, antiforgery.Contains("; secure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_changes_nothing()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var amy = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(amy, clinic.Amy);

        var ack = await amy.PostBareAsync($"/alerts/{clinic.AmyAlert}/ack", new Dictionary<string, string> { ["note"] = "forged" });
        var signIn = await amy.PostBareAsync("/signin", new Dictionary<string, string> { ["email"] = clinic.Amy });
        var signOut = await amy.PostBareAsync("/signout", new Dictionary<string, string>());
        var stillSignedIn = await amy.GetAsync("/patients");

        Assert.Equal(HttpStatusCode.BadRequest, ack.StatusCode);
        Assert.Equal("open", await clinic.AlertStatusAsync(clinic.AmyAlert));
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.Status);
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM sign_in_links")); // only the test's own sign-in
    }

    [Fact]
    public async Task A_cookie_issued_by_one_web_node_is_read_by_another_after_a_restart()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var browser = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(browser, clinic.Amy);
        var session = browser.Cookies.GetCookies(new Uri(clinic.Web.BaseUrl))["followup.session"]!.Value;

        await using var second = await WebFaceHost.StartAsync(clinic.Clinic);
        using var other = second.NewBrowser();
        other.Cookies.Add(new Uri(second.BaseUrl), new Cookie("followup.session", session, "/"));
        var page = await other.GetAsync("/patients");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(WebClinic.AmysPatient, page.Body, StringComparison.Ordinal);
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM data_protection_keys"));
    }
}
