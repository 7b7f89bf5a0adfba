using FollowUp.DataProtection;
using FollowUp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.DataProtection;

/// <summary>A retention period that cannot be meant stops the worker at start with its key named.</summary>
public class RetentionOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_keep_scores_the_longest()
    {
        var defaults = new RetentionOptions();

        Assert.Empty(defaults.Validate());
        Assert.True(defaults.Periods().All(p => p.Period <= defaults.Scores));
    }

    [Fact]
    public void A_negative_period_is_refused_naming_its_key()
    {
        var problems = Problems(new() { ["FollowUp:Retention:ReplyText"] = "-30.00:00:00" });

        Assert.Contains(problems, p => p.StartsWith("FollowUp:Retention:ReplyText must be a period from 1 day to 100 years", StringComparison.Ordinal));
    }

    [Fact]
    public void An_absurd_period_is_refused_naming_its_key()
    {
        var problems = Problems(new() { ["FollowUp:Retention:Scores"] = "100000.00:00:00" });

        Assert.Single(problems, p => p.StartsWith("FollowUp:Retention:Scores must be a period from 1 day to 100 years", StringComparison.Ordinal));
    }

    [Fact]
    public void Raw_emails_kept_longer_than_the_reply_text_they_hold_are_refused()
    {
        var problems = Problems(new() { ["FollowUp:Retention:RawEmails"] = "1000.00:00:00" });

        Assert.Equal(["FollowUp:Retention:RawEmails (1000 days) must not be longer than FollowUp:Retention:ReplyText (730 days): a raw message holds the reply's words."],
            problems);
    }

    [Fact]
    public void Audit_details_kept_longer_than_the_scores_they_hold_are_refused()
    {
        var problems = Problems(new() { ["FollowUp:Retention:Scores"] = "1000.00:00:00" });

        Assert.Equal(["FollowUp:Retention:AuditDetails (2190 days) must not be longer than FollowUp:Retention:Scores (1000 days): an enrolment's audit row holds its pain scores."],
            problems);
    }

    [Fact]
    public void A_period_that_is_not_a_duration_is_a_problem_not_a_crash()
    {
        var problems = Problems(new() { ["FollowUp:Retention:SentEmails"] = "two years" });

        Assert.Single(problems, p => p.Contains("FollowUp:Retention:SentEmails", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> Problems(Dictionary<string, string?> extra)
    {
        var settings = Clinic.Settings("Host=127.0.0.1;Database=unused", "settings.test", extra);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddFollowUpCore();
        using var provider = services.BuildServiceProvider();
        return FollowUpServices.SettingProblems(provider);
    }
}
