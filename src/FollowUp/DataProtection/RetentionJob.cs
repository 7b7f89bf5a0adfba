using Quartz;

namespace FollowUp.DataProtection;

/// <summary>
/// The daily retention run. Clustered: Quartz fires it on one node; DisallowConcurrentExecution and the run's own
/// advisory lock keep a second run (another node, an admin's <c>retention run</c>) from doing anything meanwhile.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class RetentionJob(Retention retention) : IJob
{
    public static readonly JobKey Key = new("retention", "followup");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await retention.RunAsync("retention job", cancellationToken);
}
