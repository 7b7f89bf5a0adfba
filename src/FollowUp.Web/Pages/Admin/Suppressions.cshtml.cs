using FollowUp.Courses;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin;

/// <summary>
/// The addresses no email goes to (refused by the mail server, or STOP), why and since when; an admin lifts a refused
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

    public async Task<IActionResult> OnPostLiftAsync([FromForm(Name = "patient")] long patient, [FromForm(Name = "key")] Guid key, CancellationToken cancellationToken)
    {
        var outcome = await OnceAsync(key, "suppression lift", async () =>
        {
            try
            {
                var lifted = await suppressions.LiftAsync(patient, Me.Email, cancellationToken);
                return lifted.NextCheckInAt is { } next
                    ? $"Emails to {lifted.Email} ({lifted.Patient}) go out again: the next check-in is due {When(next)}."
                    : $"Emails to {lifted.Email} ({lifted.Patient}) go out again; no check-in of theirs is planned now.";
            }
            catch (SuppressionException e)
            {
                Problems = [e.Message];
                return null;
            }
        }, cancellationToken);
        if (outcome is not null) return Redirected("/admin/suppressions", key);
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Rows = await suppressions.ListAsync(cancellationToken);
        await access.RecordViewAsync(Me, "suppressions", null, null, cancellationToken);
    }
}
