using FollowUp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FollowUp.Tests.Operations;

/// <summary>Each risky setting the worker warns about at start has its own event id and words that fit it.</summary>
public class SettingWarningTests
{
    [Fact]
    public void Plain_text_every_sender_trusted_and_no_lead_are_each_logged_under_their_own_event_at_start()
    {
        var settings = Clinic.Settings("Host=127.0.0.1;Database=unused", "warnings.test", new Dictionary<string, string?>
        {
            ["FollowUp:Smtp:Host"] = "smtp.clinic.example",
            ["FollowUp:Smtp:Port"] = "25",
            ["FollowUp:Smtp:Security"] = "Auto",
            ["FollowUp:Smtp:AllowPlainText"] = "true",
            ["FollowUp:Inbox:TrustAllSenders"] = "true",
            ["FollowUp:Alerts:LeadAddress"] = null,
        });
        var collector = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(l => l.AddProvider(new FakeLoggerProvider(collector)));
        services.AddFollowUpCore();
        using var provider = services.BuildServiceProvider();

        FollowUpServices.LogSettingWarnings(provider);

        var lines = collector.GetSnapshot().ToDictionary(r => r.Id.Id, r => r.Message);
        Assert.Equal([904, 905, 906], lines.Keys.Order());
        Assert.StartsWith("FollowUp:Smtp:AllowPlainText is true", lines[904], StringComparison.Ordinal);
        Assert.EndsWith("set it to false unless this network is private", lines[904], StringComparison.Ordinal);
        Assert.StartsWith("FollowUp:Inbox:TrustAllSenders is true", lines[905], StringComparison.Ordinal);
        Assert.Contains("only for a local or test mail server", lines[905], StringComparison.Ordinal);
        Assert.DoesNotContain("network is private", lines[905], StringComparison.Ordinal);
        Assert.StartsWith("FollowUp:Alerts: no LeadAddress: self-harm wording in a message tied to no course is emailed to nobody", lines[906], StringComparison.Ordinal);
    }
}
