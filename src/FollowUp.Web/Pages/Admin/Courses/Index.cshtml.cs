using FollowUp.Courses;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin.Courses;

/// <summary>
/// Finds courses by the patient's name or address and changes them through the same <see cref="CourseChanges"/> as
/// <c>course pause|resume|withdraw|reanchor</c>: the same rules, the same refusals, the same audit (before → after).
/// </summary>
public sealed class IndexModel(CourseQuery courses, CourseChanges changes, FormSubmissions forms) : AdminPage(forms)
{
    public const int Limit = 50;

    public string Query { get; private set; } = "";
    public IReadOnlyList<FoundCourse> Found { get; private set; } = [];
    /// <summary>The course whose withdrawal waits for the admin's confirmation (it cancels every planned email for good).</summary>
    public FoundCourse? ConfirmWithdraw { get; private set; }
    public Guid ConfirmKey { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "q")] string? q, [FromQuery(Name = "done")] Guid? done, CancellationToken cancellationToken)
    {
        await ReadDoneAsync(done, cancellationToken);
        await SearchAsync(q, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "key")] Guid key, [FromForm(Name = "course")] long course, [FromForm(Name = "change")] string? change,
        [FromForm(Name = "endedOn")] string? endedOn, [FromForm(Name = "q")] string? q, [FromForm(Name = "confirm")] string? confirm, CancellationToken cancellationToken)
    {
        if (change == "withdraw" && confirm != "yes")
        {
            await SearchAsync(q, cancellationToken);
            ConfirmWithdraw = Found.FirstOrDefault(c => c.Id == course);
            ConfirmKey = key;
            return Page();
        }
        var outcome = await OnceAsync(key, "course change", async () =>
        {
            var problems = new List<string>();
            try
            {
                var done = change switch
                {
                    "pause" => await changes.PauseAsync(course, Me.Email, cancellationToken),
                    "resume" => await changes.ResumeAsync(course, Me.Email, cancellationToken),
                    "withdraw" => await changes.WithdrawAsync(course, Me.Email, cancellationToken),
                    "reanchor" when EnrolmentFields.Date(endedOn, "new last session", problems) is { } day => await changes.ReanchorAsync(course, day, Me.Email, cancellationToken),
                    "reanchor" => null,
                    _ => throw new CourseChangeException($"'{change}' is not a change of a course (pause, resume, withdraw, reanchor)"),
                };
                if (done is null)
                {
                    Problems = problems;
                    return null;
                }
                return FormattableString.Invariant(
                    $"Course {done.CourseId} is {done.Status}{(done.Moved > 0 ? $"; {done.Moved} planned check-in(s) moved" : "")}{(done.Cancelled > 0 ? $"; {done.Cancelled} planned check-in(s) cancelled" : "")}.");
            }
            catch (CourseChangeException e)
            {
                Problems = [e.Message];
                return null;
            }
        }, cancellationToken);
        if (outcome is not null) return Redirected("/admin/courses?q=" + Uri.EscapeDataString(q ?? ""), key);
        await SearchAsync(q, cancellationToken);
        return Page();
    }

    private async Task SearchAsync(string? q, CancellationToken cancellationToken)
    {
        Query = (q ?? "").Trim();
        if (Query.Length > 200) Query = Query[..200];
        Found = Query.Length == 0 ? [] : await courses.SearchAsync(Query, Limit, cancellationToken);
    }
}
