using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Audit;

internal static class AuditFeature
{
    /// <summary>Reading the audit trail (every feature writes it through <see cref="AuditTrail"/> in its own transaction).</summary>
    internal static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditQuery>();
        return services;
    }
}
