using Quartz;

namespace FollowUp.CheckIns;

/// <summary>
/// Quartz ticks this poller; the rows decide what is due. Concurrent runs (on this node or another) are safe:
/// the claim skips rows another run holds, so a long backlog drains on every node at once.
/// </summary>
internal sealed class DispatchJob(CheckInDispatch dispatch) : IJob
{
    public static readonly JobKey Key = new("dispatch", "followup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await dispatch.SendDueAsync(cancellationToken);
}
