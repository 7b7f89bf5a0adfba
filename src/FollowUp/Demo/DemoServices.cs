using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace FollowUp.Demo;

public static class DemoServices
{
    /// <summary>The demo: a fast-forwarded business clock, quick polling, and the narrator that plays the patient.</summary>
    public static IHostApplicationBuilder AddFollowUpDemo(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FollowUp:Dispatch:PollInterval"] = "00:00:01",
            ["FollowUp:Inbox:PollInterval"] = "00:00:01",
            ["FollowUp:Alerts:PollInterval"] = "00:00:01",
            // Weeks pass in seconds, so an unacknowledged alert goes to the clinic lead within the demo.
            ["FollowUp:Alerts:LeadAddress"] = "lead@clinic.test",
            // The narrator tells the story; the worker's own log lines stay for warnings and errors.
            ["Logging:LogLevel:FollowUp"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        });
        var clock = new DemoClock();
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<TimeProvider>(clock);
        // A demo is one node on a fresh database: let its fast triggers replace any stored slower ones.
        builder.Services.PostConfigure<QuartzOptions>(FollowUpServices.SchedulerName, o =>
        {
            o.Scheduling.IgnoreDuplicates = false;
            o.Scheduling.OverwriteExistingData = true;
        });
        builder.Services.AddHostedService<DemoNarrator>();
        return builder;
    }
}
