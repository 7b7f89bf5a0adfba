using Quartz;

namespace FollowUp.Alerts;

/// <summary>
/// Expired confirming check-ins, escalations and daily digests. A clustered Quartz trigger fires it on one node at a time; each escalation and
/// each (therapist, day) digest is also claimed by a row, so even two runs at once send each only once.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class AlertSweepJob(Escalation escalation, Digest digest, ConfirmationExpiry confirmations, Operations.Outages outages, Microsoft.Extensions.Options.IOptions<Mail.SmtpOptions> smtp) : IJob
{
    public static readonly JobKey Key = new("alert-sweep", "followup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await outages.TickAsync(async () =>
        {
            await confirmations.RaiseExpiredAsync(cancellationToken);
            await escalation.EscalateAsync(cancellationToken);
            await digest.SendDueAsync(cancellationToken);
        }, Operations.Outages.Smtp, smtp.Value, false, cancellationToken);
}
