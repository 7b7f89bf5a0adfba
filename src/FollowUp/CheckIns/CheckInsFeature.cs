using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.CheckIns;

internal static class CheckInsFeature
{
    /// <summary>Sending due check-ins and reminders, and the send log.</summary>
    internal static IServiceCollection AddCheckIns(this IServiceCollection services)
    {
        services.AddSettings<DispatchOptions>(DispatchOptions.Section, o => o.Validate());
        services.AddSingleton<SendLog>();
        services.AddSingleton<CheckInDispatch>();
        return services;
    }
}
