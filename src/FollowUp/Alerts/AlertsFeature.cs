using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FollowUp.Alerts;

internal static class AlertsFeature
{
    /// <summary>The alert rules, confirming check-ins' expiry, their emails, acknowledgement, escalation and the daily digest.</summary>
    internal static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSettings<AlertOptions>(AlertOptions.Section, o => o.Validate());
        services.AddSingleton<Assessment>();
        services.AddSingleton<Reassessment>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<Acknowledgement>();
        services.AddSingleton<Escalation>();
        services.AddSingleton<ConfirmationExpiry>();
        services.AddSingleton<Digest>();
        services.AddSingleton<AlertQuery>();
        return services;
    }

    /// <summary>
    /// No clinic lead, said at every start and by <c>config check</c>: the lead is who reads self-harm wording tied to
    /// no course, and who receives escalations. Valid (a small practice may have none), never quiet.
    /// </summary>
    internal static IReadOnlyList<string> LeadWarnings(IServiceProvider services)
    {
        AlertOptions options;
        try
        {
            options = services.GetRequiredService<IOptions<AlertOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            return []; // its problems say why
        }
        return string.IsNullOrWhiteSpace(options.LeadAddress)
            ? [$"{AlertOptions.Section}: no LeadAddress: self-harm wording in a message tied to no course is emailed to nobody (it waits in status and alert list), and no overdue alert is escalated"]
            : [];
    }
}
