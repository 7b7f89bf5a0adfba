using Quartz;

namespace FollowUp.Replies;

/// <summary>
/// Reads the replies mailbox. One reader cluster-wide: Quartz's clustered store fires it on one node, and
/// DisallowConcurrentExecution keeps a slow read from overlapping the next tick; the unique key in the
/// database makes a second reader harmless anyway. With MaxRunTime set, one run reads, then IDLEs for new mail
/// (re-issued before the server's idle timeout) and reads again until the run time is up; the next tick continues.
/// An unreachable IMAP server or database is an outage, logged once (Operations.Outages); the next tick retries.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class InboxJob(Inbox inbox, Microsoft.Extensions.Options.IOptions<InboxOptions> options,
    Microsoft.Extensions.Options.IOptions<Mail.ImapOptions> imap, Operations.Outages outages) : IJob
{
    public static readonly JobKey Key = new("inbox", "followup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await outages.TickAsync(() => inbox.RunAsync(options.Value.MaxRunTime, cancellationToken), Operations.Outages.Imap, imap.Value, true, cancellationToken);
}
