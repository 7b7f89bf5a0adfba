using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin;

/// <summary>
/// A page of the clinic's configuration. Each form it renders carries a key of its own (<see cref="FormKey"/>, a hidden
/// field): a change is made only by the key's first submission, checked in PostgreSQL (<see cref="FormSubmissions"/>), so
/// a double click or a re-posted form changes nothing the second time and says what the first did.
/// </summary>
public abstract class AdminPage(FormSubmissions forms) : ClinicPage
{
    /// <summary>The key of the forms this response renders.</summary>
    public Guid FormKey { get; } = Guid.NewGuid();

    /// <summary>What the change just made did (shown after the redirect), or null.</summary>
    public string? Done { get; protected set; }

    /// <summary>Why the change asked for was not made, each naming what to correct.</summary>
    public IReadOnlyList<string> Problems { get; protected set; } = [];

    /// <summary>Reads what a change of this user did, by the key its redirect carries (<c>?done=KEY</c>).</summary>
    protected async Task ReadDoneAsync(Guid? key, CancellationToken cancellationToken)
    {
        if (key is { } k) Done = await forms.OutcomeAsync(k, Me, cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="change"/> once per key: it returns the sentence that says what it did, or null when it
    /// refused (its <see cref="Problems"/> set; the key is then free for the corrected form). A second submission of
    /// the key makes no change: null, with the first one's outcome in <see cref="Problems"/> and 409.
    /// </summary>
    protected async Task<string?> OnceAsync(Guid key, string form, Func<Task<string?>> change, CancellationToken cancellationToken)
    {
        if (key == Guid.Empty)
        {
            Problems = ["The form came without its key: reload the page and send it again."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
        if (await forms.ClaimAsync(key, Me, form, cancellationToken) is { } earlier)
        {
            Problems = [$"This form was already sent, at {When(earlier.SubmittedAt)}{(earlier.Outcome is { } o ? $": {o.TrimEnd('.')}" : "")}. Nothing was changed this time."];
            Response.StatusCode = StatusCodes.Status409Conflict;
            return null;
        }
        string? outcome;
        try
        {
            outcome = await change();
        }
        catch
        {
            await forms.ReleaseAsync(key, CancellationToken.None);
            throw;
        }
        if (outcome is null)
        {
            await forms.ReleaseAsync(key, cancellationToken);
            if (Response.StatusCode == StatusCodes.Status200OK) Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
        await forms.RecordAsync(key, outcome, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// The shape of a change on an admin page: <paramref name="change"/> once per key (<see cref="OnceAsync"/>); a refusal
    /// of the feature (an exception <paramref name="refusal"/> words, null for any other) shown as the problem on the page
    /// loaded again by <paramref name="load"/>; after a change, the page at <paramref name="path"/> by GET.
    /// </summary>
    protected async Task<IActionResult> ChangeAsync(Guid key, string form, Func<Task<string>> change, Func<Exception, string?> refusal,
        string path, Func<CancellationToken, Task> load, CancellationToken cancellationToken)
    {
        var outcome = await OnceAsync(key, form, async () =>
        {
            string? problem = null;
            try
            {
                return await change();
            }
            catch (Exception e) when ((problem = refusal(e)) is not null)
            {
                Problems = [problem];
                return null;
            }
        }, cancellationToken);
        if (outcome is not null) return Redirected(path, key);
        await load(cancellationToken);
        return Page();
    }

    /// <summary>After a change: the page again, by GET, showing what it did (a reload then re-posts nothing).</summary>
    protected IActionResult Redirected(string path, Guid key) =>
        LocalRedirect(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"done={key}");
}
