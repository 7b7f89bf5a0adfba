using FollowUp.Courses;

namespace FollowUp.Tests.Courses;

public class EnrolmentTests
{
    private static readonly DateOnly Today = new(2026, 11, 24);

    private static Enrolment Valid() => new()
    {
        PatientName = "Dana Example",
        PatientEmail = "dana@example.org",
        TimeZone = "Europe/London",
        TherapistEmail = "sam@clinic.example",
        StartedOn = Today.AddDays(-40),
        EndedOn = Today.AddDays(-5),
        PainAtStart = 8,
        PainAtEnd = 3,
        Consent = new FollowUp.DataProtection.EnrolmentConsent("in_person", Today.AddDays(-5), "Sam Taylor", null),
    };

    [Fact]
    public void A_complete_enrolment_has_no_problems()
    {
        Assert.Empty(Valid().Problems(Today));
    }

    [Fact]
    public void Each_bad_value_is_named()
    {
        var problems = (Valid() with
        {
            PatientEmail = "dana at example",
            TimeZone = "Mars/Olympus",
            StartedOn = Today.AddDays(-1),
            EndedOn = Today.AddDays(-3),
            PainAtStart = 11,
            PainAtEnd = -1,
        }).Problems(Today);

        Assert.Contains(problems, p => p.Contains("patient email 'dana at example'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("time zone 'Mars/Olympus'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("is before its start", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("pain at course start must be 0-10 (was 11)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("pain at course end must be 0-10 (was -1)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_course_that_ended_more_than_three_months_ago_has_nothing_left_to_follow()
    {
        var problems = (Valid() with { StartedOn = Today.AddDays(-200), EndedOn = Today.AddDays(-100) }).Problems(Today);

        Assert.Contains(problems, p => p.Contains("nothing left to follow up", StringComparison.Ordinal));
    }

    [Fact]
    public void A_windows_time_zone_name_is_not_accepted_for_a_patient()
    {
        Assert.NotEmpty((Valid() with { TimeZone = "GMT Standard Time" }).Problems(Today));
    }

    [Fact]
    public void An_enrolment_that_says_nothing_about_consent_is_refused_naming_the_flag_and_the_clinic_setting()
    {
        var problem = Assert.Single((Valid() with { Consent = null }).Problems(Today));

        Assert.StartsWith("consent is not recorded", problem, StringComparison.Ordinal);
        Assert.Contains("--consent in_person|form|phone|email|web", problem, StringComparison.Ordinal);
        Assert.Contains("FollowUp:Clinic:DefaultConsent", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Consent_in_the_future_or_by_an_unknown_way_is_refused()
    {
        var future = (Valid() with { Consent = new FollowUp.DataProtection.EnrolmentConsent("form", Today.AddDays(1), null, null) }).Problems(Today);
        var unknown = (Valid() with { Consent = new FollowUp.DataProtection.EnrolmentConsent("telepathy", null, null, null) }).Problems(Today);

        Assert.Equal("consent date 2026-11-25 is in the future", Assert.Single(future));
        Assert.StartsWith("consent 'telepathy' is not a way to consent", Assert.Single(unknown), StringComparison.Ordinal);
    }
}
