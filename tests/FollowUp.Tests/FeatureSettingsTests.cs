using FollowUp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests;

/// <summary>Each feature registers its own settings, and registering one is what has it checked: once, by its key.</summary>
public class FeatureSettingsTests
{
    [Fact]
    public void Every_poll_interval_out_of_range_is_reported_once_with_its_own_key()
    {
        var problems = Problems(new Dictionary<string, string?>
        {
            ["FollowUp:Dispatch:PollInterval"] = "00:00:00",
            ["FollowUp:Inbox:PollInterval"] = "02:00:00",
            ["FollowUp:Alerts:PollInterval"] = "00:00:00.01",
        });

        Assert.Equal(3, problems.Count);
        Assert.Single(problems, p => p.StartsWith("FollowUp:Dispatch:PollInterval must be between", StringComparison.Ordinal));
        Assert.Single(problems, p => p.StartsWith("FollowUp:Inbox:PollInterval must be between", StringComparison.Ordinal));
        Assert.Single(problems, p => p == "FollowUp:Alerts:PollInterval must be between 00:00:00.1 and 01:00:00 (was 00:00:00.0100000).");
    }

    [Fact]
    public void Registering_the_features_twice_still_reports_each_problem_once()
    {
        var settings = Clinic.Settings("Host=127.0.0.1;Database=unused", "settings.test", new Dictionary<string, string?> { ["FollowUp:Alerts:PollInterval"] = "00:00:00" });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddFollowUpCore();
        services.AddFollowUpCore();
        using var provider = services.BuildServiceProvider();

        Assert.Single(FollowUpServices.SettingProblems(provider));
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
