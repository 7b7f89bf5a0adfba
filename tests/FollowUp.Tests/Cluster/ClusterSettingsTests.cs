using FollowUp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.Cluster;

/// <summary>The cluster's failure-detection settings are validated like every other setting, each naming its key.</summary>
public class ClusterSettingsTests
{
    [Fact]
    public void Cluster_check_in_settings_out_of_range_are_named_with_their_keys()
    {
        var problems = Problems(new Dictionary<string, string?>
        {
            ["FollowUp:Cluster:CheckinInterval"] = "00:00:00.1",
            ["FollowUp:Cluster:CheckinMisfireThreshold"] = "01:00:00",
        });

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("FollowUp:Cluster:CheckinInterval must be between 00:00:00.5 and 00:05:00 (was 00:00:00.1", StringComparison.Ordinal));
        Assert.Contains("FollowUp:Cluster:CheckinMisfireThreshold must be between 00:00:01 and 00:10:00 (was 01:00:00).", problems);
    }

    [Fact]
    public void Short_cluster_check_in_settings_within_range_are_accepted() =>
        Assert.Empty(Problems(new Dictionary<string, string?>
        {
            ["FollowUp:Cluster:CheckinInterval"] = "00:00:01",
            ["FollowUp:Cluster:CheckinMisfireThreshold"] = "00:00:03",
        }));

    private static IReadOnlyList<string> Problems(Dictionary<string, string?> cluster)
    {
        var settings = Clinic.Settings("Host=127.0.0.1;Database=unused", "cluster.test", cluster);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddFollowUpCore();
        using var provider = services.BuildServiceProvider();
        return FollowUpServices.SettingProblems(provider);
    }
}
