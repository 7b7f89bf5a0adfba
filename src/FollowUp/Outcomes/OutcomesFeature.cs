using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Outcomes;

internal static class OutcomesFeature
{
    /// <summary>The clinic's outcomes over many courses (the CLI's report and the web face).</summary>
    internal static IServiceCollection AddOutcomes(this IServiceCollection services) => services.AddSingleton<OutcomeQuery>();
}
