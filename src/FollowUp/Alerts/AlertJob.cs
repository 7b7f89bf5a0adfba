using Quartz;

namespace FollowUp.Alerts;

/// <summary>Sends pending alert emails. Safe on every node: each alert is claimed with SKIP LOCKED.</summary>
internal sealed class AlertJob(AlertNotifier notifier, Operations.Outages outages, Microsoft.Extensions.Options.IOptions<Mail.SmtpOptions> smtp) : IJob
{
    public static readonly JobKey Key = new("alerts", "followup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await outages.TickAsync(() => notifier.NotifyAsync(cancellationToken), Operations.Outages.Smtp, smtp.Value, false, cancellationToken);
}
