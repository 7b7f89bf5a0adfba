using FollowUp.Courses;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin;

/// <summary>
/// The addresses no email goes to (refused by the mail server, a spam complaint, or STOP), why and since when; an admin lifts a refused
/// one (audited), and the patient's next planned check-in goes out when it is due.
/// </summary>
[Authorize(Roles = Roles.Admin)]
public sealed class SuppressionsModel(Suppressions suppressions, CourseAccess access, FormSubmissions forms) : AdminPage(forms)
{
    public IReadOnlyList<Suppression> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "done")] Guid? done, CancellationToken cancellationToken)
    {
        await ReadDoneAsync(done, cancellationToken);
        await LoadAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostLiftAsync([FromForm(Name = "patient")] long patient, [FromForm(Name = "key")] Guid key, CancellationToken cancellationToken) =>
        ChangeAsync(key, "suppression lift", async () =>
        {
            var lifted = await suppressions.LiftAsync(patient, Me.Email, cancellationToken);
            return lifted.NextCheckInAt is { } next
                ? $"Emails to {lifted.Email} ({lifted.Patient}) go out again: the next check-in is due {When(next)}."
                : $"Emails to {lifted.Email} ({lifted.Patient}) go out again; no check-in of theirs is planned now.";
        }, e => e is SuppressionException ? e.Message : null, "/admin/suppressions", LoadAsync, cancellationToken);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Rows = await suppressions.ListAsync(cancellationToken);
        await access.RecordViewAsync(Me, "suppressions", null, null, cancellationToken);
    }
}
