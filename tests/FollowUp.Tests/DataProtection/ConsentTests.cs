using Dapper;
using FollowUp.Tests.Cli;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.DataProtection;

/// <summary>Why FollowUp may email a patient: consent recorded at enrolment, withdrawn by STOP, renewed by an admin.</summary>
public class ConsentTests
{
    // No standing rule: each enrolment must say how the patient agreed.
    private static readonly Dictionary<string, string?> NoStandingRule = new() { ["FollowUp__Clinic__DefaultConsent"] = "" };

    private static Task<ToolRun> RunAsync(string connectionString, params string[] args) =>
        Tool.RunAsync("followup-admin.dll", [.. args, "--connection", connectionString, "--now", CourseImportCommandTests.Now], NoStandingRule);

    private static readonly string[] Enrol =
    [
        "course", "enrol", "--patient-name", "Dana Example", "--patient-email", "dana@example.org", "--time-zone", "Europe/London",
        "--therapist-email", "sam@clinic.test", "--started-on", "2026-10-01", "--ended-on", "2026-11-05", "--pain-at-start", "8",
    ];

    [Fact]
    public async Task An_enrolment_without_consent_is_refused_naming_the_flag_and_one_with_it_shows_how_when_and_by_whom_in_course_show()
    {
        var connectionString = await CourseImportCommandTests.ClinicDatabaseAsync();

        var refused = await RunAsync(connectionString, Enrol);
        var enrolled = await RunAsync(connectionString, [.. Enrol, "--consent", "form", "--consent-on", "2026-11-01", "--consent-by", "Sam Jones"]);
        var shown = await RunAsync(connectionString, "course", "show", "1");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("consent is not recorded", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--consent in_person|form|phone|email|web", refused.Stderr, StringComparison.Ordinal);
        Assert.True(enrolled.ExitCode == 0, enrolled.Stderr);
        Assert.Contains("given (form, on 2026-11-01) basis consent, recorded by Sam Jones", shown.Stdout, StringComparison.Ordinal);
        await using var db = new NpgsqlConnection(connectionString);
        Assert.Equal("form", await db.ExecuteScalarAsync<string>("SELECT detail->'after'->'consent'->>'method' FROM audit_log WHERE kind = 'course.enrolled'"));
    }

    [Fact]
    public async Task An_import_reads_consent_by_its_synonyms_and_refuses_each_row_without_it_naming_line_and_column()
    {
        var connectionString = await CourseImportCommandTests.ClinicDatabaseAsync();
        var file = Path.Combine(Directory.CreateTempSubdirectory("followup-consent-").FullName, "export.csv");
        await File.WriteAllTextAsync(file, """
            Patient,E-mail,Time zone,Therapist,First session,Last session,Pain before,Einwilligung,Consent date
            Dana Example,dana@example.org,Europe/London,sam@clinic.test,2026-10-01,2026-11-05,8,ja,2026-10-01
            Eli Sample,eli@example.org,Europe/London,sam@clinic.test,2026-10-01,2026-11-05,6,,
            Flo Test,flo@example.org,Europe/London,sam@clinic.test,2026-10-01,2026-11-05,6,nein,
            Gus Paper,gus@example.org,Europe/London,sam@clinic.test,2026-10-01,2026-11-05,6,Paper,

            """);

        var all = await RunAsync(connectionString, "course", "import", file);
        var valid = await RunAsync(connectionString, "course", "import", file, "--valid-rows-only");

        Assert.Equal(1, all.ExitCode);
        Assert.Matches(@"\s3\s+Einwilligung\s+consent is not recorded", all.Stdout);
        Assert.Matches(@"\s4\s+Einwilligung\s+consent 'nein': the patient did not agree", all.Stdout);
        Assert.True(valid.ExitCode == 0, valid.Stderr + valid.Stdout);
        await using var db = new NpgsqlConnection(connectionString);
        var consents = (await db.QueryAsync<(string Name, string Method, DateOnly? On, string Basis)>("""
            SELECT p.name, k.method, k.given_on, k.basis FROM consents k JOIN patients p ON p.id = k.patient_id WHERE k.event = 'given' ORDER BY p.name
            """)).ToList();
        Assert.Equal([("Dana Example", "import", new DateOnly(2026, 10, 1), "consent"), ("Gus Paper", "form", null, "consent")], consents);
    }

    [Fact]
    public async Task With_the_clinics_standing_rule_an_enrolment_that_says_nothing_records_the_rule_and_a_bad_rule_or_basis_stops_the_tool()
    {
        var connectionString = await CourseImportCommandTests.ClinicDatabaseAsync();

        var byRule = await Tool.RunAsync("followup-admin.dll", [.. Enrol, "--connection", connectionString, "--now", CourseImportCommandTests.Now],
            new Dictionary<string, string?> { ["FollowUp__Clinic__DefaultConsent"] = "form", ["FollowUp__Clinic__LegalBasis"] = "treatment_relationship" });
        var badBasis = await Tool.RunAsync("followup-admin.dll", [.. Enrol, "--connection", connectionString, "--now", CourseImportCommandTests.Now],
            new Dictionary<string, string?> { ["FollowUp__Clinic__LegalBasis"] = "because" });

        Assert.True(byRule.ExitCode == 0, byRule.Stderr);
        Assert.Equal(1, badBasis.ExitCode);
        Assert.Contains("FollowUp:Clinic:LegalBasis must be one of consent, treatment_relationship, legitimate_interest", badBasis.Stderr, StringComparison.Ordinal);
        await using var db = new NpgsqlConnection(connectionString);
        Assert.Equal(("form", true, "treatment_relationship"),
            await db.QuerySingleAsync<(string, bool, string)>("SELECT method, from_clinic_default, basis FROM consents"));
    }

    [Fact]
    public async Task Stop_withdraws_consent_as_a_row_and_renewed_consent_is_recorded_and_lifts_the_opt_out_of_that_person()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        await clinic.EnrolAsync("Olga");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(clinic.Address("olga")).WaitForAsync(1)).Single();
        await Clinic.SendAsync(Clinic.ReplyTo(checkIn, clinic.Address("olga"), "Re: " + checkIn.Subject, "STOP"));
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));
        string[] enrol =
        [
            "course", "enrol", "--patient-name", "Olga", "--patient-email", clinic.Address("olga"), "--time-zone", "Europe/London",
            "--therapist-email", clinic.Address("therapist"), "--started-on", "2026-10-20", "--ended-on", "2026-11-09",
            "--pain-at-start", "7", "--now", "2026-11-10T10:00:00Z", "--consent", "phone",
        ];

        var renewed = await Tool.RunAsync("followup-admin.dll", [.. enrol, "--renewed-consent", "asked by phone on 10 Nov, agreed"], env);
        var later = await Tool.RunAsync("followup-admin.dll", [.. enrol.Select(a => a == "2026-10-20" ? "2026-10-21" : a)], env);

        Assert.True(renewed.ExitCode == 0, renewed.Stderr);
        Assert.True(later.ExitCode == 0, later.Stderr);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var history = (await db.QueryAsync<(string Event, string Method, string? Basis)>("SELECT event, method, basis FROM consents ORDER BY id")).ToList();
        Assert.Equal([("given", "in_person", "consent"), ("withdrawn", "stop_reply", "consent"), ("renewed", "phone", "consent"), ("given", "phone", "consent")], history);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM patients WHERE opted_out_at IS NOT NULL"));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'patient.consent_withdrawn'"));
    }
}
