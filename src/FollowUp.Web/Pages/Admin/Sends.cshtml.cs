using System.Globalization;
using FollowUp.CheckIns;
using FollowUp.Courses;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin;

/// <summary>
/// The send log (<c>followup-admin send list</c>): every check-in and reminder with its status and the reason of each
/// failure, filtered by status, days, therapist and patient; a planned one can be cancelled (<c>send cancel</c>).
/// </summary>
[Authorize(Roles = Roles.Admin)]
public sealed class SendsModel(SendLog sendLog, Therapists therapists, CourseAccess access, FormSubmissions forms) : AdminPage(forms)
{
    public const int Shown = 500;

    [BindProperty(SupportsGet = true, Name = "status")] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "from")] public string? From { get; set; }
    [BindProperty(SupportsGet = true, Name = "to")] public string? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "therapist")] public long? Therapist { get; set; }
    [BindProperty(SupportsGet = true, Name = "patient")] public string? Patient { get; set; }
    [BindProperty(SupportsGet = true, Name = "course")] public long? Course { get; set; }

    public IReadOnlyList<SendLogEntry> Rows { get; private set; } = [];
    public IReadOnlyList<TherapistRow> TherapistList { get; private set; } = [];

    /// <summary>The filters as a query string, so that a cancel comes back to the same list.</summary>
    public string FilterQuery => Pages.FilterQuery.Of(
            ("status", Status), ("from", From), ("to", To), ("therapist", Therapist?.ToString(CultureInfo.InvariantCulture)),
            ("patient", Patient), ("course", Course?.ToString(CultureInfo.InvariantCulture)));

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "done")] Guid? done, CancellationToken cancellationToken)
    {
        await ReadDoneAsync(done, cancellationToken);
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>Cancels one planned email (<c>send cancel</c>: the same rule, and its audit row), then the same list again.</summary>
    public Task<IActionResult> OnPostCancelAsync([FromForm(Name = "id")] string? id, [FromForm(Name = "key")] Guid key, CancellationToken cancellationToken) =>
        ChangeAsync(key, "send cancel", async () =>
        {
            var entry = await sendLog.CancelAsync(id ?? "", Me.Email, cancellationToken);
            return FormattableString.Invariant($"Cancelled {entry.Id} ({What(entry).ToLowerInvariant()} to {entry.Patient}, course {entry.CourseId}).");
        }, e => e is SendLogException ? e.Message : null,
            "/admin/sends" + (FilterQuery.Length > 0 ? "?" + FilterQuery : ""), LoadAsync, cancellationToken);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        TherapistList = await therapists.ListAsync(cancellationToken);
        if (!TryDay(From, "From", out var from) || !TryDay(To, "To", out var to)) return;
        try
        {
            Rows = await sendLog.ListAsync(new SendLogFilter(Course, null, from, to, string.IsNullOrEmpty(Status) ? null : Status, Therapist, Patient, Shown), cancellationToken);
        }
        catch (SendLogException e)
        {
            Problem = e.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        await access.RecordViewAsync(Me, "send log", null, Rows.Select(r => r.CourseId).Distinct().ToList(), cancellationToken);
    }

    private bool TryDay(string? text, string field, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            day = parsed;
            return true;
        }
        Problem = $"{field}: '{text}' is not a date; use YYYY-MM-DD, e.g. 2026-11-05";
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return false;
    }

    /// <summary>When the email was due (or sent), in the patient's own time, as the CLI shows it.</summary>
    public static string PatientTime(SendLogEntry row)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(row.TimeZone);
        return TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(row.SentAt ?? row.DueAt, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    public static string What(SendLogEntry row) => row.Kind switch
    {
        "check-in" => FormattableString.Invariant($"Check-in {row.Sequence} (day {row.OffsetDays})"),
        "confirming" => FormattableString.Invariant($"Confirming check-in {row.Sequence}"),
        "reminder" => FormattableString.Invariant($"Reminder {row.Reminder} of check-in {row.Sequence}"),
        "clarification" => FormattableString.Invariant($"Clarification of check-in {row.Sequence}"),
        "stop_confirmation" => "STOP confirmation",
        _ => FormattableString.Invariant($"{row.Kind} {row.Sequence}"),
    };
}
