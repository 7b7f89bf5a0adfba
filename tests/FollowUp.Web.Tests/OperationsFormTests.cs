using System.Net;
using Dapper;
using FollowUp.Users;

namespace FollowUp.Tests.Web;

/// <summary>
/// The forms of the send log, suppressions and people pages: only an admin's post changes anything (a lead and a
/// therapist are told "not found" and nothing changes), the same form posted twice changes the clinic once and says
/// so, and the audit trail downloads as CSV.
/// </summary>
public class OperationsFormTests
{
    [Fact]
    public async Task Only_an_admin_may_cancel_lift_or_add_and_a_lead_or_therapist_post_changes_nothing()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var checkIn = await FirstCheckInAsync(clinic, clinic.BenCourse);
        var patient = await SuppressAsync(clinic, clinic.BenCourse);
        var forms = Forms(clinic, checkIn, patient);

        foreach (var (who, email) in new[] { ("amy", clinic.Amy), ("lead", clinic.Lead) })
        {
            using var browser = clinic.Web.NewBrowser();
            await clinic.Web.SignInAsync(browser, email);
            foreach (var (action, fields) in forms)
            {
                var post = await browser.PostAsync(action, fields, "/alerts");
                Assert.True(post.Status == HttpStatusCode.NotFound, $"{who} POST {action}: {(int)post.Status}");
                Assert.DoesNotContain(WebClinic.BensPatient, post.Body, StringComparison.Ordinal);
            }
        }
        Assert.Equal("planned", await ScalarAsync<string>(clinic, "SELECT status FROM check_ins WHERE id = @checkIn", new { checkIn }));
        Assert.True(await ScalarAsync<bool>(clinic, "SELECT undeliverable_at IS NOT NULL FROM patients WHERE id = @patient", new { patient }));
        Assert.Equal(0, await ScalarAsync<int>(clinic, "SELECT count(*) FROM users WHERE email = @email", new { email = clinic.Clinic.Address("newcomer") }));

        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        foreach (var (action, fields) in forms)
        {
            var post = await admin.PostAsync(action, fields, "/alerts");
            Assert.True(post.Status == HttpStatusCode.Redirect, $"admin POST {action}: {(int)post.Status}");
        }
        Assert.Equal("cancelled", await ScalarAsync<string>(clinic, "SELECT status FROM check_ins WHERE id = @checkIn", new { checkIn }));
        Assert.False(await ScalarAsync<bool>(clinic, "SELECT undeliverable_at IS NOT NULL FROM patients WHERE id = @patient", new { patient }));
        Assert.Equal("lead", await ScalarAsync<string>(clinic, "SELECT role FROM users WHERE email = @email", new { email = clinic.Clinic.Address("newcomer") }));
    }

    [Fact]
    public async Task The_same_form_posted_twice_changes_the_clinic_once_and_the_second_post_says_so()
    {
        await using var clinic = await WebClinic.OpenAsync();
        var checkIn = await FirstCheckInAsync(clinic, clinic.AmyCourse);
        var patient = await SuppressAsync(clinic, clinic.AmyCourse);
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);

        foreach (var (action, fields) in Forms(clinic, checkIn, patient))
        {
            var auditRows = await ScalarAsync<long>(clinic, "SELECT count(*) FROM audit_log WHERE kind NOT LIKE 'web.%'", null);
            var first = await admin.PostAsync(action, fields, "/alerts");
            var second = await admin.PostAsync(action, fields, "/alerts");

            Assert.True(first.Status == HttpStatusCode.Redirect, $"first POST {action}: {(int)first.Status}");
            // The page the first post leads to says what it did.
            var done = await admin.GetAsync(first.Response.Headers.Location!.OriginalString);
            Assert.Contains("class=\"notice\"", done.Body, StringComparison.Ordinal);
            Assert.True(second.Status == HttpStatusCode.Conflict, $"second POST {action}: {(int)second.Status}");
            Assert.Contains("This form was already sent", second.Body, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed this time.", second.Body, StringComparison.Ordinal);
            Assert.Equal(auditRows + 1, await ScalarAsync<long>(clinic, "SELECT count(*) FROM audit_log WHERE kind NOT LIKE 'web.%'", null));
        }
        // A form the feature refuses gives its key back: corrected, the same form goes through.
        var key = Guid.NewGuid().ToString();
        var refused = await admin.PostAsync("/admin/users?handler=therapist", new Dictionary<string, string> { ["email"] = "not an address", ["key"] = key }, "/alerts");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("is not an email address", WebUtility.HtmlDecode(refused.Body), StringComparison.Ordinal);
        Assert.Contains("Not changed.", refused.Body, StringComparison.Ordinal);
        var corrected = await admin.PostAsync("/admin/users?handler=therapist", new Dictionary<string, string> { ["email"] = clinic.Clinic.Address("carla"), ["name"] = "Carla", ["key"] = key }, "/alerts");
        Assert.Equal(HttpStatusCode.Redirect, corrected.Status);
        Assert.Contains("Added the therapist", (await admin.GetAsync(corrected.Response.Headers.Location!.OriginalString)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_downloads_the_audit_trail_as_csv_with_the_cli_filters_and_a_bad_day_is_named()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var lead = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(lead, clinic.Lead);

        var (status, csv, response) = await lead.GetAsync("/reports/audit?handler=csv&kind=user.&since=2026-01-01");
        var bad = await lead.GetAsync("/reports/audit?since=yesterday");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,actor,kind,course_id,patient_id,subject_id,detail", lines[0]);
        // The four users WebClinic adds and the lead's own sign-in, and nothing of another kind.
        Assert.Equal(4, lines.Count(l => l.Contains(",user.added,", StringComparison.Ordinal)));
        Assert.Equal(lines.Length - 1, lines.Count(l => l.Contains(",user.", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains(",user.signed_in,", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("Since: &#x27;yesterday&#x27; is not a date or instant; use YYYY-MM-DD", bad.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_status_page_shows_sending_held_up_while_the_mail_server_refuses_connections()
    {
        // The SMTP server is down: nothing listens on its port.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var clinic = await WebClinic.OpenAsync(new Dictionary<string, string?> { ["FollowUp:Smtp:Port"] = WebClinic.Id(closedPort) });
        clinic.Clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 9, 31, 0, TimeSpan.Zero));
        await clinic.Clinic.Dispatch.SendDueAsync(default);
        using var lead = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(lead, clinic.Lead);

        var (status, body, _) = await lead.GetAsync("/reports/status");

        Assert.Equal(HttpStatusCode.OK, status);
        var text = WebUtility.HtmlDecode(body);
        Assert.Contains("Sending is held up.", text, StringComparison.Ordinal);
        Assert.Contains("The last attempt said: SMTP connection failed:", text, StringComparison.Ordinal);
        Assert.Contains("waited since 2026-11-09 09:00 UTC", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_downloads_one_therapists_courses_as_fhir_and_the_download_is_audited()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var lead = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(lead, clinic.Lead);

        var (status, ndjson, response) = await lead.GetAsync($"/reports/outcomes?handler=fhir&therapist={Uri.EscapeDataString(clinic.Amy)}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/fhir+ndjson", response.Content.Headers.ContentType?.MediaType);
        var resources = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(resources, r => r.GetProperty("resourceType").GetString() == "Patient" && r.GetRawText().Contains(WebClinic.AmysPatient, StringComparison.Ordinal));
        Assert.DoesNotContain(WebClinic.BensPatient, ndjson, StringComparison.Ordinal);
        Assert.Equal($"{clinic.Lead} fhir 1", await ScalarAsync<string>(clinic,
            "SELECT actor || ' ' || (detail->>'format') || ' ' || (detail->>'courses') FROM audit_log WHERE kind = 'export.downloaded'", null));
    }

    [Fact]
    public async Task An_admin_disables_a_user_whose_next_click_is_refused_and_cannot_disable_herself()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        using var ben = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(ben, clinic.Ben);

        var disabled = await admin.PostAsync("/admin/users?handler=disable", new Dictionary<string, string> { ["email"] = clinic.Ben, ["key"] = Guid.NewGuid().ToString() }, "/alerts");
        var self = await admin.PostAsync("/admin/users?handler=disable", new Dictionary<string, string> { ["email"] = clinic.Admin, ["key"] = Guid.NewGuid().ToString() }, "/alerts");
        var bensNextClick = await ben.GetAsync("/patients");

        Assert.Equal(HttpStatusCode.Redirect, disabled.Status);
        Assert.Equal(HttpStatusCode.Redirect, bensNextClick.Status);
        Assert.Contains("/signin", bensNextClick.Response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, self.Status);
        Assert.Contains("You cannot disable yourself here", WebUtility.HtmlDecode(self.Body), StringComparison.Ordinal);
        Assert.Equal(1, await ScalarAsync<int>(clinic, "SELECT count(*) FROM audit_log WHERE kind = 'user.disabled'", null));
    }

    /// <summary>One of each admin form, with its own key: cancel a check-in, lift a suppression, let someone sign in.</summary>
    private static (string Action, Dictionary<string, string> Fields)[] Forms(WebClinic clinic, long checkIn, long patient) =>
    [
        ("/admin/sends?handler=cancel", new() { ["id"] = $"c{checkIn}", ["key"] = Guid.NewGuid().ToString("N") }),
        ("/admin/suppressions?handler=lift", new() { ["patient"] = WebClinic.Id(patient), ["key"] = Guid.NewGuid().ToString("N") }),
        ("/admin/users?handler=user", new() { ["email"] = clinic.Clinic.Address("newcomer"), ["role"] = Roles.Lead, ["key"] = Guid.NewGuid().ToString("N") }),
    ];

    private static Task<long> FirstCheckInAsync(WebClinic clinic, long course) =>
        ScalarAsync<long>(clinic, "SELECT id FROM check_ins WHERE course_id = @course AND sequence = 1", new { course });

    private static async Task<long> SuppressAsync(WebClinic clinic, long course)
    {
        var patient = await ScalarAsync<long>(clinic, "SELECT patient_id FROM courses WHERE id = @course", new { course });
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        await FollowUp.Alerts.Unreachable.MarkAsync(connection, null, patient, "550 5.1.1 user unknown", clinic.Clinic.Clock.GetUtcNow(), default);
        return patient;
    }

    private static async Task<T> ScalarAsync<T>(WebClinic clinic, string sql, object? args)
    {
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, args);
    }
}
