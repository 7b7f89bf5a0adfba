using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Exports;

internal static class ExportsFeature
{
    /// <summary>Courses, check-ins, replies and alerts read for an export (CSV or FHIR).</summary>
    internal static IServiceCollection AddExports(this IServiceCollection services) => services.AddSingleton<ExportQuery>();
}
