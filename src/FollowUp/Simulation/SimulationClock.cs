using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Simulation;

/// <summary>The simulation's business clock: it stands still until the simulation moves it.</summary>
public sealed class SimulationClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void MoveTo(DateTimeOffset at) => _now = at > _now ? at : _now;
}

/// <summary>Registration of the simulation beside the library's services (tests and <c>simulate cohort</c>).</summary>
public static class SimulationServices
{
    /// <summary>The simulation's clock becomes the business clock of every feature; call before AddFollowUpCore.</summary>
    public static IServiceCollection AddCohortSimulation(
        this IServiceCollection services, DateTimeOffset start)
    {
        var clock = new SimulationClock(start);
        services.AddSingleton(clock);
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<CohortSimulation>();
        return services;
    }
}
