using Dapper;
using FollowUp.Tests.Cli;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.Languages;

/// <summary>The patient's language through the admin tool: enrol, import, show, the clinic's setting, schedule validate and preview.</summary>
public class LanguageCommandTests
{
    private static string[] Enrol(string connectionString, string email, params string[] more) =>
    [
        "course", "enrol", "--patient-name", "Dana Example", "--patient-email", email, "--time-zone", "Europe/Berlin",
        "--therapist-email", "sam@clinic.test", "--started-on", "2026-10-01", "--ended-on", "2026-11-05", "--pain-at-start", "8",
        "--connection", connectionString, "--now", "2026-11-06T10:00:00Z", .. more,
    ];

    [Fact]
    public async Task Enrol_takes_a_language_by_code_or_name_shows_it_and_refuses_one_it_does_not_write_naming_the_codes()
    {
        var connectionString = await TestDatabase.CreateAsync();

        var german = await Tool.RunAsync("followup-admin.dll", Enrol(connectionString, "dana@example.org", "--language", "Deutsch"));
        var klingon = await Tool.RunAsync("followup-admin.dll", Enrol(connectionString, "kor@example.org", "--language", "Klingon"));
        var show = await Tool.RunAsync("followup-admin.dll", ["course", "show", "1", "--connection", connectionString]);
        var list = await Tool.RunAsync("followup-admin.dll", ["course", "list", "--connection", connectionString]);

        Assert.True(german.ExitCode == 0, german.Stderr);
        Assert.Equal(1, klingon.ExitCode);
        Assert.Equal("followup-admin: Cannot enrol: language 'Klingon' is not a language FollowUp writes; use en, de, fr, es, it, nl or pt (or the language's name, e.g. German or Deutsch)",
            klingon.Stderr.Trim());
        Assert.Contains("Europe/Berlin, writes in de", show.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Dana Example\s+de\s+sam@clinic\.test", list.Stdout);
        await using var db = new NpgsqlConnection(connectionString);
        Assert.Equal(["de"], await db.QueryAsync<string>("SELECT language FROM patients"));
    }

    [Fact]
    public async Task Import_reads_the_language_column_by_its_synonyms_and_reports_a_bad_value_by_line()
    {
        var connectionString = await CourseImportCommandTests.ClinicDatabaseAsync();
        var file = Path.Combine(Path.GetTempPath(), $"languages-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, """
            patient_name,patient_email,time_zone,therapist,started_on,ended_on,pain_at_start,pain_at_end,Idioma
            Ana Ejemplo,ana@example.es,Europe/Madrid,sam@clinic.test,2026-10-01,2026-11-05,7,3,español
            Luca Esempio,luca@example.it,Europe/Rome,sam@clinic.test,2026-10-01,2026-11-05,6,2,it-IT
            Eve Example,eve@example.org,Europe/London,sam@clinic.test,2026-10-01,2026-11-05,6,2,
            Kor Example,kor@example.org,Europe/London,sam@clinic.test,2026-10-01,2026-11-05,6,2,tlhIngan
            """);

        var refused = await Tool.RunAsync("followup-admin.dll", ["course", "import", file, "--connection", connectionString, "--now", CourseImportCommandTests.Now]);
        var valid = await Tool.RunAsync("followup-admin.dll", ["course", "import", file, "--valid-rows-only", "--connection", connectionString, "--now", CourseImportCommandTests.Now]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Matches(@"\n\s+5\s+Idioma\s+language 'tlhIngan' is not a language FollowUp writes; use en, de, fr, es, it, nl or pt", refused.Stdout);
        Assert.Single(refused.Stdout.Split('\n'), l => l.Contains("Idioma", StringComparison.Ordinal));
        Assert.True(valid.ExitCode == 0, valid.Stdout + valid.Stderr);
        await using var db = new NpgsqlConnection(connectionString);
        // An empty cell is the clinic's language (English by default), as a hand enrolment without --language.
        Assert.Equal(["es", "en", "it"], await db.QueryAsync<string>("SELECT language FROM patients ORDER BY name"));
    }

    [Fact]
    public async Task The_clinic_language_setting_is_checked_by_config_check()
    {
        await using var clinic = await Clinic.OpenAsync();
        var settings = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));
        settings["FollowUp__Clinic__Language"] = "Deutsch";
        var good = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);
        settings["FollowUp__Clinic__Language"] = "Klingon";
        var bad = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);

        Assert.True(good.ExitCode == 0, good.Stdout + good.Stderr);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("FollowUp:Clinic:Language 'Klingon' is not a language FollowUp writes; use en, de, fr, es, it, nl or pt", bad.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_validate_warns_of_the_languages_that_fall_back_and_preview_renders_one_language()
    {
        await using var clinic = await Clinic.OpenAsync();
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));
        var file = Path.Combine(Path.GetTempPath(), $"schedule-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "name": "gentle", "checkIns": [ { "weeks": 1 } ],
              "templates": { "text": "Hi {{ patient_name }}!\n\n{{ questions }}" },
              "translations": { "fr": { "text": "Bonjour {{ patient_name }} !\n\n{{ questions }}" } } }
            """);

        var validated = await Tool.RunAsync("followup-admin.dll", ["schedule", "validate", "--file", file], env);
        var saved = await Tool.RunAsync("followup-admin.dll", ["schedule", "set", "--file", file], env);
        var french = await Tool.RunAsync("followup-admin.dll", ["schedule", "preview", "--schedule", "gentle", "--language", "fr"], env);
        var dutch = await Tool.RunAsync("followup-admin.dll", ["schedule", "preview", "--schedule", "gentle", "--language", "nl"], env);
        var builtIn = await Tool.RunAsync("followup-admin.dll", ["schedule", "preview", "--schedule", "default", "--language", "it"], env);

        Assert.True(validated.ExitCode == 0, validated.Stderr);
        Assert.Equal("Schedule 'gentle' is valid: 1 check-ins, 1w.", validated.Stdout.Trim());
        const string warning = "followup-admin: warning: schedule 'gentle': its text template has no version in de, es, it, nl and pt; patients with those languages get it in the clinic's language (en)";
        Assert.Equal(warning, validated.Stderr.Trim());
        Assert.True(saved.ExitCode == 0, saved.Stderr);
        Assert.Equal(warning, saved.Stderr.Trim());
        Assert.Contains("Bonjour Dana Example !", french.Stdout, StringComparison.Ordinal);
        Assert.Contains("Douleur : un chiffre de 0 à 10", french.Stdout, StringComparison.Ordinal);
        Assert.Contains("in en (no nl version of its own templates: the clinic's language)", dutch.Stdout, StringComparison.Ordinal);
        Assert.Contains("Hi Dana Example!", dutch.Stdout, StringComparison.Ordinal);
        Assert.Contains("Subject: Example Clinic: come va la schiena, 2 settimane dopo il ciclo di massaggi?", builtIn.Stdout, StringComparison.Ordinal);
        Assert.Contains("Risponda STOP per non ricevere più queste e-mail.", builtIn.Stdout, StringComparison.Ordinal);
    }
}
