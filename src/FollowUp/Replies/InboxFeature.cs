using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FollowUp.Replies;

internal static class InboxFeature
{
    /// <summary>Reading the replies mailbox and storing what patients answered.</summary>
    internal static IServiceCollection AddInbox(this IServiceCollection services)
    {
        services.AddSettings<InboxOptions>(InboxOptions.Section, o => o.Validate());
        services.AddSingleton<ReplyMatcher>();
        services.AddSingleton<InboundStore>();
        services.AddSingleton<ReplyIntake>();
        services.AddSingleton(sp => new WebReplies(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Mail.ReplyToken>(),
            sp.GetRequiredService<InboundStore>(), sp.GetRequiredService<ReplyIntake>(), sp.GetRequiredService<IOptions<Mail.ClinicOptions>>(),
            sp.GetRequiredService<IOptions<Languages.ClinicLanguageOptions>>()));
        services.AddSingleton<Inbox>();
        services.AddSingleton<ReplyExplanation>();
        services.AddSingleton(sp => new KeptReplies(sp.GetRequiredService<InboundStore>(), sp.GetRequiredService<IOptions<Alerts.AlertOptions>>()));
        return services;
    }

    /// <summary>How senders are proved, for <c>config check</c> (nothing when the inbox settings are invalid: their problems say why).</summary>
    internal static IReadOnlyList<string> SenderProof(IServiceProvider services) => Valid(services) is { } o ? [o.DescribeSenderProof()] : [];

    /// <summary>TrustAllSenders, said at every start.</summary>
    internal static IReadOnlyList<string> SenderWarnings(IServiceProvider services) => Valid(services)?.TrustWarning() is { } w ? [w] : [];

    private static InboxOptions? Valid(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<IOptions<InboxOptions>>().Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }
}
