using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Operations;

internal static class OperationsFeature
{
    /// <summary>The cluster settings, the installation's status and the outage bookkeeping the pollers share.</summary>
    internal static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddSettings<ClusterOptions>(ClusterOptions.Section, o => o.Validate());
        services.AddSingleton<ServiceStatus>();
        services.AddSingleton<Outages>();
        return services;
    }
}
