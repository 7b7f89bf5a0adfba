using FollowUp.Operations;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;

namespace FollowUp.Web.Pages.Reports;

/// <summary>
/// The health of the installation, the same facts as <c>followup-admin status</c> (the same query): the worker nodes
/// of the Quartz cluster and their last check-in, the queue, the last send and read, the open alerts. The page
/// refreshes itself every <see cref="RefreshSeconds"/> seconds (a meta refresh: the policy allows no script).
/// </summary>
[Authorize(Roles = Roles.Lead + "," + Roles.Admin)]
public sealed class StatusModel(ServiceStatus status) : ClinicPage
{
    public const int RefreshSeconds = 15;

    public StatusReport Report { get; private set; } = null!;
    public bool Running => Report.Nodes.Any(n => !n.Late);

    public async Task OnGetAsync(CancellationToken cancellationToken) => Report = await status.ReadAsync(cancellationToken);
}
