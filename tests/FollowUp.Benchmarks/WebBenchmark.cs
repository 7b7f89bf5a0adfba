using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dapper;
using FollowUp.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FollowUp.Benchmarks;

/// <summary>
/// My patients: a therapist's list page (first and a deep page) in a clinic of many courses, requested from the built
/// web face (a child process, signed in through a real sign-in link), against the bare SQL of the same rows in the
/// same run: the page's own query (CourseQuery.Patients) with the same parameters, every column read. Each request is
/// timed on loopback, so the page's figure is its server time plus one loopback round trip.
/// </summary>
internal static partial class WebBenchmark
{
    public sealed record Timings(double Median, double P95);

    public sealed record Result(int Clinic, int Mine, double SeedSeconds, int Requests, Timings FirstPage, Timings FirstSql, int DeepPage, Timings DeepPageTimes, Timings DeepSql);

    private const string Therapist = "sam@bench.test";
    private const int PageSize = 25;

    public static async Task<Result> RunAsync(BenchServers servers, string template, int clinic, int mine, int requests)
    {
        var connectionString = await BenchDatabase.CloneAsync(servers, template);
        var domain = BenchServers.UniqueDomain("web");
        var url = $"http://127.0.0.1:{FreePort()}";
        var settings = DispatchBenchmark.Settings(servers, connectionString, domain);
        settings["FollowUp:Web:PublicUrl"] = url;
        settings["FollowUp:Web:PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await using var provider = Provider(settings);
            var dataSource = provider.GetRequiredService<NpgsqlDataSource>();
            var seed = Stopwatch.StartNew();
            await SeedAsync(dataSource, clinic, mine);
            await provider.GetRequiredService<UserDirectory>().AddAsync(Therapist, Roles.Therapist, "Sam Taylor", "bench", CancellationToken.None);
            var seedSeconds = seed.Elapsed.TotalSeconds;
            using var web = StartWebFace(settings, url);
            try
            {
                return await MeasureAsync(provider, dataSource, url, clinic, mine, requests, seedSeconds);
            }
            finally
            {
                web.Kill(entireProcessTree: true);
                await web.WaitForExitAsync();
            }
        }
        finally
        {
            await Scratch.DropAsync(servers, connectionString);
        }
    }

    private static async Task<Result> MeasureAsync(ServiceProvider provider, NpgsqlDataSource dataSource, string url, int clinic, int mine, int requests, double seedSeconds)
    {
        {
            using var http = await SignedInAsync(provider, url);
            long therapistId;
            await using (var connection = await dataSource.OpenConnectionAsync())
                therapistId = await connection.ExecuteScalarAsync<long>("SELECT id FROM therapists WHERE email = @Therapist", new { Therapist });
            var deep = Math.Max(1, mine / PageSize / 2);

            // Warm both paths (JIT, the plan cache, the pool) before anything is timed.
            for (var i = 0; i < 5; i++)
            {
                await PageAsync(http, 1);
                await BareAsync(dataSource, therapistId, 1);
            }
            var firstPage = new List<double>();
            var firstSql = new List<double>();
            var deepPage = new List<double>();
            var deepSql = new List<double>();
            // Interleaved, so a disturbance of the machine falls on both sides alike.
            for (var i = 0; i < requests; i++)
            {
                firstPage.Add(await PageAsync(http, 1));
                firstSql.Add(await BareAsync(dataSource, therapistId, 1));
                deepPage.Add(await PageAsync(http, deep));
                deepSql.Add(await BareAsync(dataSource, therapistId, deep));
            }
            return new Result(clinic, mine, seedSeconds, requests, Of(firstPage), Of(firstSql), deep, Of(deepPage), Of(deepSql));
        }
    }

    private static Timings Of(List<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Timings(median, sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.95) - 1)]);
    }

    private static async Task<double> PageAsync(HttpClient http, int page)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync($"/patients?page={page}");
        var html = await response.Content.ReadAsStringAsync();
        var ms = watch.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK || !html.Contains("/courses/", StringComparison.Ordinal))
            throw new InvalidOperationException($"/patients?page={page} answered {(int)response.StatusCode} without its rows");
        return ms;
    }

    /// <summary>The page's own query, the same parameters, every column of every row read, and the count after it.</summary>
    private static async Task<double> BareAsync(NpgsqlDataSource dataSource, long therapistId, int page)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(Courses.CourseQuery.Patients, connection);
        command.Parameters.AddWithValue("therapistId", therapistId);
        command.Parameters.AddWithValue("offset", (page - 1) * PageSize);
        command.Parameters.AddWithValue("limit", PageSize);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        var values = new object[12];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            rows++;
        }
        await reader.NextResultAsync();
        await reader.ReadAsync();
        var total = reader.GetInt64(0);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (rows != PageSize || total == 0) throw new InvalidOperationException($"the bare query read {rows} rows of {total}");
        return ms;
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddFollowUpCore();
        services.AddSignIn();
        return services.BuildServiceProvider();
    }

    /// <summary>The built web face, as an operator starts it, on its own port; ready when its sign-in page answers.</summary>
    private static Process StartWebFace(Dictionary<string, string?> settings, string url)
    {
        var dll = Environment.GetEnvironmentVariable("FOLLOWUP_BENCH_WEB") is { Length: > 0 } given ? given
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/FollowUp.Web/bin/Release/net10.0/FollowUp.Web.dll"));
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: scripts/bench.sh builds src/FollowUp.Web");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        // Development: the session cookie may travel over loopback http (outside it, it is Secure-only).
        foreach (var a in new[] { "--urls", url, "--environment", "Development" }) start.ArgumentList.Add(a);
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["FollowUp__Database__MigrateOnStart"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the web face did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine($"  web: {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = new Uri(url) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"the web face exited with {process.ExitCode}");
            try
            {
                if (probe.GetAsync("/signin").GetAwaiter().GetResult().IsSuccessStatusCode) return process;
            }
            catch (HttpRequestException) { }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new InvalidOperationException("the web face did not answer within 60 s");
            Thread.Sleep(200);
        }
    }

    /// <summary>A client signed in as the therapist through a real sign-in link (issued as the sign-in form issues it).</summary>
    private static async Task<HttpClient> SignedInAsync(ServiceProvider provider, string url)
    {
        var nonce = SignInLinks.NewSecret();
        var cookies = new CookieContainer();
        cookies.Add(new Uri(url), new Cookie("followup.signin", nonce, "/signin"));
        var issued = await provider.GetRequiredService<SignInLinks>().IssueAsync(Therapist, nonce, CancellationToken.None)
            ?? throw new InvalidOperationException($"{Therapist} may not sign in");
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };
        var page = await http.GetStringAsync($"/signin/link?token={issued.Secret}");
        var token = Antiforgery().Match(page).Groups[1].Value;
        using var signedIn = await http.PostAsync("/signin/link", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = issued.Secret, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));
        if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"signing in answered {(int)signedIn.StatusCode}");
        return http;
    }

    /// <summary>
    /// A clinic of <paramref name="clinic"/> courses, <paramref name="mine"/> of them the benchmarked therapist's, the
    /// rest spread over 19 others; each course six check-ins, three answered; 3% with an open alert (so the page's
    /// "open alerts first" has something to rank).
    /// </summary>
    private static async Task SeedAsync(NpgsqlDataSource dataSource, int clinic, int mine)
    {
        await using var db = await dataSource.OpenConnectionAsync();
        foreach (var sql in new[]
        {
            $"INSERT INTO therapists (email, name, created_at) VALUES ('{Therapist}', 'Sam Taylor', now())",
            "INSERT INTO therapists (email, name, created_at) SELECT 't' || i || '@bench.test', 'Therapist ' || i, now() FROM generate_series(1, 19) i",
            """
            INSERT INTO patients (name, email, time_zone, created_at)
            SELECT 'Patient ' || i, 'p' || i || '@bench.test', 'Europe/London', now() FROM generate_series(1, @clinic) i
            """,
            """
            INSERT INTO courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, enrolled_at)
            SELECT p.id, CASE WHEN p.id <= @mine THEN (SELECT min(id) FROM therapists) ELSE (SELECT min(id) FROM therapists) + 1 + p.id % 19 END,
                   date '2026-06-01' + (p.id % 90)::int, date '2026-07-06' + (p.id % 90)::int, 5 + p.id % 5, 2 + p.id % 3, now()
            FROM patients p ORDER BY p.id
            """,
            """
            INSERT INTO check_ins (course_id, sequence, offset_days, due_at, status, sent_at)
            SELECT c.id, s.seq, s.off, c.ended_on + s.off * interval '1 day' + interval '9 hours',
                   CASE WHEN s.seq <= 3 THEN 'answered' ELSE 'planned' END,
                   CASE WHEN s.seq <= 3 THEN c.ended_on + s.off * interval '1 day' + interval '9 hours' END
            FROM courses c CROSS JOIN (VALUES (1, 7), (2, 14), (3, 28), (4, 42), (5, 56), (6, 84)) s(seq, off)
            ORDER BY c.id, s.seq
            """,
            """
            INSERT INTO inbound_messages (mailbox, uid_validity, uid, received_at, outcome, raw_headers, folder, check_in_id)
            SELECT 'INBOX', 1, ci.id, ci.sent_at + interval '5 hours', 'answer', '', 'Processed', ci.id FROM check_ins ci WHERE ci.status = 'answered' ORDER BY ci.id
            """,
            """
            INSERT INTO replies (check_in_id, inbound_message_id, received_at, pain, mood_score, answer_text)
            SELECT ci.id, m.id, m.received_at, 2 + (ci.course_id + ci.sequence) % 4, 5 + ci.sequence, 'Pain and mood'
            FROM check_ins ci JOIN inbound_messages m ON m.check_in_id = ci.id ORDER BY ci.id
            """,
            """
            INSERT INTO alerts (course_id, kind, severity, reason, raised_at, notify_status, notified_at)
            SELECT c.id, 'late_worsening', CASE WHEN c.id % 2 = 0 THEN 'high' ELSE 'normal' END, 'Pain back up', now(), 'sent', now()
            FROM courses c WHERE c.id % 100 < 3
            """,
        })
            await db.ExecuteAsync(new CommandDefinition(sql, new { clinic, mine }, commandTimeout: 600, cancellationToken: CancellationToken.None));
        await db.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE", commandTimeout: 600, cancellationToken: CancellationToken.None));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
