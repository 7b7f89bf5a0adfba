using FollowUp.Alerts;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Alerts;

/// <summary>The alert inbox: open, escalated (sent to the lead, still open) and acknowledged; ACK from the list.</summary>
public sealed class IndexModel(AlertQuery alerts, CourseAccess access) : ClinicPage
{
    public static readonly (AlertInbox Inbox, string Label)[] Tabs =
        [(AlertInbox.Open, "Open"), (AlertInbox.Escalated, "Escalated"), (AlertInbox.Acknowledged, "Acknowledged")];

    public AlertInbox Inbox { get; private set; }
    public IReadOnlyList<AlertListing> Alerts { get; private set; } = [];
    public string? Acknowledged { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "inbox")] string? inbox, [FromQuery(Name = "acknowledged")] long? acknowledged, CancellationToken cancellationToken)
    {
        Inbox = Enum.TryParse<AlertInbox>(inbox, ignoreCase: true, out var chosen) && Enum.IsDefined(chosen) ? chosen : AlertInbox.Open;
        Alerts = await alerts.InboxAsync(Inbox, Scope, 200, cancellationToken);
        if (acknowledged is { } id && await access.AlertAsync(Me, id, cancellationToken) is not null)
            Acknowledged = $"Alert {id} acknowledged.";
        await access.RecordViewAsync(Me, "alerts", null, Alerts.Where(a => a.CourseId is not null).Select(a => a.CourseId!.Value).Distinct().ToList(), cancellationToken);
        return Page();
    }
}
