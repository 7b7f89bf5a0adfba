using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FollowUp.Mail;

internal static class MailFeature
{
    /// <summary>The mail servers, the clinic's addresses and the reply tokens every outgoing email carries.</summary>
    internal static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddSettings<SmtpOptions>(SmtpOptions.Section, o => o.Validate(SmtpOptions.Section));
        services.AddSettings<ImapOptions>(ImapOptions.Section, o => o.Validate(ImapOptions.Section));
        services.AddSettings<ClinicOptions>(ClinicOptions.Section, o => o.Validate());
        services.AddSettings<PatientPagesOptions>(PatientPagesOptions.Section, o => o.Validate());
        services.AddSingleton(sp =>
        {
            var clinic = sp.GetRequiredService<IOptions<ClinicOptions>>().Value;
            return new ReplyToken(clinic.ResolveTokenKey(), clinic.ResolvePreviousTokenKeys());
        });
        return services;
    }

    /// <summary>How each mail connection is secured (a connection whose settings are invalid is left out: its problems say why).</summary>
    internal static IReadOnlyList<string> ConnectionSecurity(IServiceProvider services) =>
        Servers(services).Select(m => m.Options.DescribeSecurity(m.Section)).ToList();

    /// <summary>Valid settings that let a password cross the network readable.</summary>
    internal static IReadOnlyList<string> SettingWarnings(IServiceProvider services) =>
        Servers(services).Select(m => m.Options.PlainTextWarning(m.Section)).OfType<string>().ToList();

    private static IEnumerable<(string Section, MailServerOptions Options)> Servers(IServiceProvider services)
    {
        if (Valid<SmtpOptions>(services) is { } smtp) yield return (SmtpOptions.Section, smtp);
        if (Valid<ImapOptions>(services) is { } imap) yield return (ImapOptions.Section, imap);
    }

    private static T? Valid<T>(IServiceProvider services) where T : class
    {
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            return null;
        }
    }
}
