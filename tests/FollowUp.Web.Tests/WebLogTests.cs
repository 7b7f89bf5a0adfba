using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using FollowUp.Tests.Support;
using Microsoft.Extensions.Logging;

namespace FollowUp.Tests.Web;

/// <summary>What the web face writes to its log while people sign in and look at patients: ids, never secrets or names.</summary>
public partial class WebLogTests
{
    [Fact]
    public async Task A_sign_in_and_a_look_at_a_course_log_no_link_no_cookie_no_address_and_no_patient()
    {
        var lines = new ConcurrentQueue<string>();
        await using var clinic = await WebClinic.OpenAsync();
        await using var web = await WebFaceHost.StartAsync(clinic.Clinic, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            configure: b => b.Logging.AddProvider(new Collect(lines)));
        using var browser = web.NewBrowser();

        await browser.PostAsync("/signin", new Dictionary<string, string> { ["email"] = clinic.Amy });
        var path = new Uri(Link().Match((await new Mailbox(clinic.Amy).WaitForAsync(1)).Single().TextBody ?? "").Value).PathAndQuery;
        var token = path[(path.IndexOf('=', StringComparison.Ordinal) + 1)..];
        await browser.GetAsync(path);
        await browser.PostAsync("/signin/link", new Dictionary<string, string> { ["token"] = token }, "/signin");
        await browser.GetAsync($"/courses/{clinic.AmyCourse}");
        var nonce = browser.Cookies.GetCookies(new Uri(web.BaseUrl + "/signin"))["followup.signin"]?.Value;
        var session = browser.Cookies.GetCookies(new Uri(web.BaseUrl))["followup.session"]!.Value;

        var log = string.Join("\n", lines);
        Assert.Contains("signed in", log, StringComparison.Ordinal); // the log is there, and says what happened
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        Assert.DoesNotContain(session, log, StringComparison.Ordinal);
        if (nonce is not null) Assert.DoesNotContain(nonce, log, StringComparison.Ordinal);
        Assert.DoesNotContain(clinic.Amy, log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(WebClinic.AmysPatient, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Clinic.TokenKey, log, StringComparison.Ordinal);
    }

    private sealed class Collect(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }

    [GeneratedRegex(@"https?://\S+/signin/link\?token=[A-Za-z0-9_-]+")]
    private static partial Regex Link();
}
