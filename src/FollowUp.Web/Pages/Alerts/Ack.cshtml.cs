using FollowUp.Alerts;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace FollowUp.Web.Pages.Alerts;

/// <summary>
/// Acknowledges an alert with an optional note (POST only, antiforgery-checked), through the same acknowledgement as a
/// therapist's ACK reply and <c>followup-admin alert ack</c>; audited with the user and the note.
/// </summary>
public sealed class AckModel(CourseAccess access, NpgsqlDataSource dataSource, TimeProvider clock) : ClinicPage
{
    public long AlertId { get; private set; }
    public string Problem { get; private set; } = "";

    public IActionResult OnGet() => NotFound();

    public async Task<IActionResult> OnPostAsync(long id, [FromForm] string? note, [FromForm] string? returnUrl, CancellationToken cancellationToken)
    {
        AlertId = id;
        if (await access.AlertAsync(Me, id, cancellationToken) is not { } alert) return NotFound();
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > 500 } || note?.Any(c => char.IsControl(c)) == true)
        {
            Problem = "The note is longer than 500 characters or has control characters: shorten it and try again.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var outcome = await Acknowledgement.AcknowledgeAsync(dataSource, clock.GetUtcNow(), id, Me.Email, leadAddress: null, note, cancellationToken);
        if (outcome == Acknowledgement.AckOutcome.NotFound) return NotFound();
        if (outcome == Acknowledgement.AckOutcome.AlreadyDone)
        {
            Problem = "It is not open any more: someone acknowledged it already, or it was closed.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        var back = returnUrl is { Length: > 0 } && Url.IsLocalUrl(returnUrl) ? returnUrl
            : alert.CourseId is { } courseId ? $"/courses/{courseId}" : "/alerts";
        return LocalRedirect(back + (back.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"acknowledged={id}");
    }
}
