using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FollowUp.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.Support;

/// <summary>
/// The web face for one clinic under test, on a real Kestrel port of loopback, with the clinic's database, mail domain
/// and fake clock: the same host the executable builds (<see cref="WebFace.Build"/>).
/// </summary>
public sealed partial class WebFaceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebFaceHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<WebFaceHost> StartAsync(Clinic clinic, IDictionary<string, string?>? extra = null, string environment = "Development",
        Action<WebApplicationBuilder>? configure = null)
    {
        // A clinic whose emails link the web face names its address before the web face starts (FreeUrl).
        var baseUrl = extra?.TryGetValue("FollowUp:Web:PublicUrl", out var given) == true && given is { Length: > 0 } ? given : FreeUrl();
        var settings = Clinic.Settings(clinic.ConnectionString, clinic.Domain, extra);
        settings["FollowUp:Web:PublicUrl"] = baseUrl;
        settings["FollowUp:Database:MigrateOnStart"] = "false";
        settings.TryAdd("Logging:LogLevel:Default", "Warning");
        var app = WebFace.Build(["--urls", baseUrl, "--environment", environment], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddSingleton<TimeProvider>(clinic.Clock);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new WebFaceHost(app, baseUrl);
    }

    /// <summary>
    /// Signs <paramref name="browser"/> in as <paramref name="email"/> through the link page, with a link issued as
    /// the sign-in form issues it (the browser tests read the real email instead).
    /// </summary>
    public async Task SignInAsync(Browser browser, string email)
    {
        var nonce = FollowUp.Users.SignInLinks.NewSecret();
        browser.Cookies.Add(new Uri(BaseUrl), new Cookie("followup.signin", nonce, "/signin"));
        var issued = await Services.GetRequiredService<FollowUp.Users.SignInLinks>().IssueAsync(email, nonce, default)
            ?? throw new InvalidOperationException($"{email} may not sign in");
        var (status, _, response) = await browser.PostAsync("/signin/link", new Dictionary<string, string> { ["token"] = issued.Secret }, $"/signin/link?token={issued.Secret}");
        if (status != HttpStatusCode.Redirect) throw new InvalidOperationException($"signing in {email} answered {status}");
        _ = response;
    }

    /// <summary>A client with its own cookie jar (one browser), not following redirects so that a test sees them.</summary>
    public Browser NewBrowser() => new(BaseUrl);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>An address on a free port of loopback, for a clinic whose emails must link the web face started after it.</summary>
    public static string FreeUrl() => $"http://127.0.0.1:{FreePort()}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One browser's HTTP: cookies kept, redirects shown, forms posted with the page's antiforgery token.</summary>
    public sealed partial class Browser(string baseUrl) : IDisposable
    {
        public CookieContainer Cookies { get; } = new();
        private HttpClient? _http;
        public HttpClient Http => _http ??= new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };

        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string path)
        {
            var response = await Http.GetAsync(path);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }

        /// <summary>Opens <paramref name="formPage"/>, takes the antiforgery token of its forms, and posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string action, IDictionary<string, string> fields, string? formPage = null)
        {
            var form = new Dictionary<string, string>(fields);
            var page = await (await Http.GetAsync(formPage ?? action)).Content.ReadAsStringAsync();
            if (AntiforgeryField().Match(page) is { Success: true } token) form["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
            var response = await Http.PostAsync(action, new FormUrlEncodedContent(form));
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }

        /// <summary>Posts without any antiforgery token, as a form on another site would.</summary>
        public async Task<HttpResponseMessage> PostBareAsync(string action, IDictionary<string, string> fields) =>
            await Http.PostAsync(action, new FormUrlEncodedContent(fields));

        public void Dispose() => _http?.Dispose();

        [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
        private static partial Regex AntiforgeryField();
    }
}
