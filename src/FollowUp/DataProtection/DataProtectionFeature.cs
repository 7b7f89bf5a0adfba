using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.DataProtection;

internal static class DataProtectionFeature
{
    /// <summary>Consent and legal basis, a patient's export and erasure on request.</summary>
    internal static IServiceCollection AddPatientDataProtection(this IServiceCollection services)
    {
        services.AddSettings<ConsentOptions>(ConsentOptions.Section, o => o.Validate());
        services.AddSettings<ErasureOptions>(ErasureOptions.Section, o => o.Validate());
        services.AddSingleton<PatientMailbox>();
        services.AddSingleton<PatientExport>();
        services.AddSingleton<ErasureNotice>();
        services.AddSingleton<PatientErasure>();
        services.AddSingleton(sp => new PatientRequests(sp.GetRequiredService<PatientExport>(), sp.GetRequiredService<PatientErasure>()));
        return services;
    }
}
