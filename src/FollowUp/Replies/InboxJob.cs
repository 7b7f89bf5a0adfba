using Quartz;

namespace FollowUp.Replies;

/// <summary>
/// Reads the replies mailbox. One reader cluster-wide: Quartz's clustered store fires it on one node, and
/// DisallowConcurrentExecution keeps a slow read from overlapping the next tick; the unique key in the
/// database makes a second reader harmless anyway.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class InboxJob(Inbox inbox) : IJob
{
    public static readonly JobKey Key = new("inbox", "followup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await inbox.ReadAsync(cancellationToken);
}
