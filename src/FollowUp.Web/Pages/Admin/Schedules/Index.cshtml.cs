using FollowUp.Schedules;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin.Schedules;

/// <summary>The schedules, as <c>schedule list</c> shows them: check-ins, send window, quiet days, reminders, own templates.</summary>
public sealed class IndexModel(ScheduleStore store, FormSubmissions forms) : AdminPage(forms)
{
    public IReadOnlyList<Schedule> Schedules { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "done")] Guid? done, CancellationToken cancellationToken)
    {
        await ReadDoneAsync(done, cancellationToken);
        Schedules = await store.ListAsync(cancellationToken);
        return Page();
    }

    /// <summary>"week 1", "day 10": how an admin counts a check-in's distance from the course's end.</summary>
    public static string Offset(ScheduleItem item) =>
        item.OffsetDays % 7 == 0 ? FormattableString.Invariant($"week {item.OffsetDays / 7}") : FormattableString.Invariant($"day {item.OffsetDays}");
}
