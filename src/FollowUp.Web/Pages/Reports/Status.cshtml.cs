using FollowUp.Operations;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Reports;

/// <summary>
/// The health of the installation, the same facts as <c>followup-admin status</c> (the same query): the worker nodes
/// of the Quartz cluster and their last check-in, the queue, the last send and read, the open alerts. While the page
/// is open, /followup.js reads the facts again every <see cref="RefreshSeconds"/> seconds from <see cref="OnGetFactsAsync"/>
/// and puts them in place; without script the page is read again by its Refresh link.
/// </summary>
[Authorize(Roles = Roles.Lead + "," + Roles.Admin)]
public sealed class StatusModel(ServiceStatus status, TimeProvider clock) : ClinicPage
{
    public const int RefreshSeconds = 5;

    public StatusReport Report { get; private set; } = null!;
    public DateTime ReadAt { get; private set; }
    public bool Running => Report.Nodes.Any(n => !n.Late);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        SecurityHeaders.AllowScript(HttpContext);
        await ReadAsync(cancellationToken);
    }

    /// <summary>The facts alone, as the page shows them.</summary>
    public async Task<IActionResult> OnGetFactsAsync(CancellationToken cancellationToken)
    {
        await ReadAsync(cancellationToken);
        Response.Headers["X-FollowUp-Fragment"] = "1";
        return Partial("_StatusFacts", this);
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        Report = await status.ReadAsync(cancellationToken);
        ReadAt = clock.GetUtcNow().UtcDateTime;
    }
}
