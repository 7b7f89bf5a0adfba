using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Schedules;

internal static class SchedulesFeature
{
    /// <summary>The stored schedules courses follow.</summary>
    internal static IServiceCollection AddSchedules(this IServiceCollection services)
    {
        services.AddSingleton<ScheduleStore>();
        return services;
    }
}
