using Microsoft.Extensions.DependencyInjection;

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
        services.AddSingleton<Inbox>();
        services.AddSingleton<ReplyExplanation>();
        return services;
    }
}
