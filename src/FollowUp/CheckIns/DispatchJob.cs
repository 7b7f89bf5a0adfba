using Quartz;

namespace FollowUp.CheckIns;

/// <summary>
/// Quartz ticks this poller; the rows decide what is due. Runs on different nodes are safe together: the claim skips
/// rows another run holds, so a long backlog drains on every node at once. An unreachable database is an outage,
/// logged once (Operations.Outages); the SMTP server's outages are handled per lane in CheckInDispatch.
/// </summary>
internal sealed class DispatchJob(CheckInDispatch dispatch, Operations.Outages outages) : IJob
{
    public static readonly JobKey Key = new("dispatch", "followup");

    // One run per process at a time. A run drains everything due on its Lanes; a tick that overlapped it (a backlog
    // longer than PollInterval, up to the 4 Quartz threads) only added more messages in flight at once, and with them
    // more duplicates after a crash: the fault test saw 6 re-sent copies from a worker with 4 lanes. With this gate a
    // killed worker re-sends at most Lanes messages (docs/reliability.md, "No check-in lost, none sent twice"). Not [DisallowConcurrentExecution]:
    // that is cluster-wide and would stop the other nodes from draining alongside.
    private static readonly SemaphoreSlim Running = new(1, 1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (!await Running.WaitAsync(0, cancellationToken)) return;
        try
        {
            await outages.TickAsync(() => dispatch.SendDueAsync(cancellationToken), null, null, false, cancellationToken);
        }
        finally
        {
            Running.Release();
        }
    }
}
