using FollowUp.Schedules;

namespace FollowUp.Tests.Languages;

/// <summary>A schedule's own templates per language: read from the file, used for that language, and a fallback said, not hidden.</summary>
public class ScheduleLanguageTests
{
    private const string File = """
        {
          "name": "short",
          "checkIns": [ { "weeks": 1 } ],
          "templates": { "subject": "{{ clinic_name }}: a quick question", "text": "Hello {{ patient_name }}\n{{ questions }}" },
          "translations": {
            "German": { "subject": "{{ clinic_name }}: eine kurze Frage", "text": "Hallo {{ patient_name }}\n{{ questions }}" }
          }
        }
        """;

    [Fact]
    public void A_schedule_file_gives_its_templates_per_language_and_each_patient_gets_theirs_or_the_clinics()
    {
        var schedule = ScheduleFile.Parse(File);

        Assert.Equal(["de"], schedule.Translations.Keys);
        Assert.Empty(Templates.Problems(schedule));
        Assert.Equal(("Example Clinic: eine kurze Frage", "de"), Subject(schedule, "de"));
        // French has no version of the schedule's own templates: the clinic's language (English), never a mix.
        Assert.Equal(("Example Clinic: a quick question", "en"), Subject(schedule, "fr"));
        Assert.Equal(ScheduleFile.Parse(ScheduleFile.Write(schedule)).Translations["de"], schedule.Translations["de"]);
    }

    [Fact]
    public void Validate_warns_naming_the_schedule_the_templates_and_the_languages_that_fall_back()
    {
        var warnings = Templates.FallbackWarnings(ScheduleFile.Parse(File), "en");

        Assert.Equal(
            ["schedule 'short': its subject template and text template have no version in fr, es, it, nl and pt; patients with those languages get them in the clinic's language (en)"],
            warnings);
        Assert.Empty(Templates.FallbackWarnings(Schedule.Default, "en"));
    }

    [Fact]
    public void A_translation_in_a_language_FollowUp_does_not_write_or_with_a_broken_template_is_refused()
    {
        var unknown = Assert.Throws<ScheduleException>(() => ScheduleFile.Parse(File.Replace("\"German\"", "\"Klingon\"", StringComparison.Ordinal)));
        Assert.Contains("translations: 'Klingon' is not a language FollowUp writes; use en, de, fr, es, it, nl or pt", unknown.Problems.Single(), StringComparison.Ordinal);

        var broken = ScheduleFile.Parse(File.Replace("Hallo {{ patient_name }}", "Hallo {{ patient_nam }}", StringComparison.Ordinal));
        Assert.Contains(Templates.Problems(broken), p => p.StartsWith("de text template, line 1, column 10: unknown field 'patient_nam'", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OutgoingLanguageTests.Languages), MemberType = typeof(OutgoingLanguageTests))]
    public void The_built_in_templates_of_every_language_pass_the_checks_an_admins_template_must_pass(string language)
    {
        var builtIn = Templates.BuiltIn(language);

        Assert.Empty(Templates.Problems(Schedule.Default with { SubjectTemplate = builtIn.Subject, TextTemplate = builtIn.Text, HtmlTemplate = builtIn.Html }));
    }

    private static (string Subject, string Language) Subject(Schedule schedule, string patientLanguage)
    {
        var (subject, _, _, used) = Templates.RenderSample(schedule, patientLanguage, "en");
        return (subject, used);
    }
}
