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
        services.AddSingleton(sp => new ReplyToken(sp.GetRequiredService<IOptions<ClinicOptions>>().Value.ResolveTokenKey()));
        return services;
    }
}
