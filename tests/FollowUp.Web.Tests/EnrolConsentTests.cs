using System.Net;
using Dapper;

namespace FollowUp.Tests.Web;

/// <summary>The enrol form of a clinic with no standing consent rule: it asks how the patient agreed, as course enrol does.</summary>
public sealed class EnrolConsentTests
{
    [Fact]
    public async Task The_enrol_form_refuses_a_course_without_consent_and_records_the_consent_it_is_given()
    {
        await using var clinic = await WebClinic.OpenAsync(new Dictionary<string, string?> { ["FollowUp:Clinic:DefaultConsent"] = "" });
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        var page = await admin.GetAsync("/admin/enrol");
        Dictionary<string, string> Form(string consent) => new()
        {
            ["key"] = Guid.NewGuid().ToString(), ["Form.PatientName"] = "Bob Stone", ["Form.PatientEmail"] = clinic.Clinic.Address("bob"),
            ["Form.TimeZone"] = "Europe/Berlin", ["Form.Language"] = "de", ["Form.Therapist"] = clinic.Amy,
            ["Form.StartedOn"] = "2026-10-01", ["Form.EndedOn"] = "2026-10-29", ["Form.PainAtStart"] = "7", ["Form.PainAtEnd"] = "2",
            ["Form.Schedule"] = "default", ["Form.ConsentMethod"] = consent, ["Form.ConsentOn"] = "2026-10-01", ["Form.ConsentBy"] = "",
        };

        var without = await admin.PostAsync("/admin/enrol", Form(""), "/admin/enrol");
        await using (var connection = await clinic.Clinic.Data.OpenConnectionAsync())
            Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM patients WHERE name = 'Bob Stone'"));
        var with = await admin.PostAsync("/admin/enrol", Form("in_person"), "/admin/enrol");

        Assert.Contains("How the patient agreed", page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, without.Status);
        Assert.Contains("consent: choose how the patient agreed", without.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("--consent", without.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, with.Status);
        await using var check = await clinic.Clinic.Data.OpenConnectionAsync();
        var consent = await check.QuerySingleAsync<(string Method, DateTime GivenOn, string RecordedBy)>("""
            SELECT k.method, k.given_on::timestamp, k.recorded_by FROM consents k JOIN patients p ON p.id = k.patient_id WHERE p.name = 'Bob Stone'
            """);
        Assert.Equal(("in_person", new DateTime(2026, 10, 1), clinic.Admin), consent);
    }
}
