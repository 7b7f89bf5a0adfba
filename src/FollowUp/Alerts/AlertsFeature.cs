using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Alerts;

internal static class AlertsFeature
{
    /// <summary>The alert rules, their emails, acknowledgement, escalation and the daily digest.</summary>
    internal static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSettings<AlertOptions>(AlertOptions.Section, o => o.Validate());
        services.AddSingleton<Assessment>();
        services.AddSingleton<Reassessment>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<Acknowledgement>();
        services.AddSingleton<Escalation>();
        services.AddSingleton<Digest>();
        services.AddSingleton<AlertQuery>();
        return services;
    }
}
