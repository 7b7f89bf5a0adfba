using System.Text.Json;
using FollowUp.Courses.Import;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin.Import;

/// <summary>
/// An uploaded export: its progress while it is checked or stored (the page refreshes itself, no script), the row
/// report of its dry run, and the admin's choice: store every row (all or nothing, as <c>course import</c>) or only
/// the valid ones (<c>--valid-rows-only</c>).
/// </summary>
public sealed class ShowModel(ImportUploads uploads, ImportRuns runs, FormSubmissions forms) : AdminPage(forms)
{
    public sealed record LineCourse(int Line, long CourseId);
    public sealed record RowProblemView(int Line, string Column, string Problem);
    public sealed record Report(string Encoding, string Delimiter, int Rows, bool Stored, List<string> FileProblems, List<RowProblemView> RowProblems,
        List<LineCourse> Enrolled, List<LineCourse> AlreadyEnrolled)
    {
        public int WrongRows => RowProblems.Select(p => p.Line).Distinct().Count();
        /// <summary>The rows a store of the valid ones enrols: neither wrong nor already stored.</summary>
        public int NewRows => Rows - WrongRows - AlreadyEnrolled.Count;
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public ImportUpload Upload { get; private set; } = null!;
    public Report? Result { get; private set; }
    public bool Running => Upload.Status is "checking" or "storing";

    /// <summary>Running, but with no progress written for a while: the web node running it stopped (its transaction then rolled back).</summary>
    public bool Stalled => uploads.Stalled(Upload);

    /// <summary>Failed or stalled: it can be started again from the stored file.</summary>
    public bool Restartable => Stalled || Upload.Status == "failed";

    public async Task<IActionResult> OnGetAsync(long id, [FromQuery(Name = "done")] Guid? done, CancellationToken cancellationToken)
    {
        await ReadDoneAsync(done, cancellationToken);
        return await ShowAsync(id, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(long id, [FromForm(Name = "key")] Guid key, [FromForm(Name = "rows")] string? rows, CancellationToken cancellationToken)
    {
        if (await uploads.FindAsync(id, cancellationToken) is null) return NotFound();
        var mode = rows == "valid" ? ImportMode.ValidRowsOnly : ImportMode.AllOrNothing;
        var outcome = await OnceAsync(key, "course import store", async () =>
        {
            if (!await uploads.BeginStoringAsync(id, cancellationToken))
            {
                Problems = ["This upload is being stored or was stored already: nothing more was done."];
                Response.StatusCode = StatusCodes.Status409Conflict;
                return null;
            }
            runs.Start(id, mode, Me.Email);
            return mode == ImportMode.ValidRowsOnly ? "Storing the valid rows." : "Storing every row.";
        }, cancellationToken);
        if (outcome is not null) return Redirected(FormattableString.Invariant($"/admin/import/{id}"), key);
        var page = await ShowAsync(id, cancellationToken);
        return page;
    }

    /// <summary>A failed or stalled import, started again from the stored file: checked again, then stored as the admin chooses.</summary>
    public async Task<IActionResult> OnPostRestartAsync(long id, [FromForm(Name = "key")] Guid key, CancellationToken cancellationToken)
    {
        if (await uploads.FindAsync(id, cancellationToken) is null) return NotFound();
        var outcome = await OnceAsync(key, "course import restart", async () =>
        {
            if (!await uploads.RestartAsync(id, cancellationToken))
            {
                Problems = ["This import is running, checked or stored: it was not started again."];
                Response.StatusCode = StatusCodes.Status409Conflict;
                return null;
            }
            runs.Start(id, ImportMode.DryRun, Me.Email);
            return "Started again from the stored file: every row is being checked again.";
        }, cancellationToken);
        if (outcome is not null) return Redirected(FormattableString.Invariant($"/admin/import/{id}"), key);
        return await ShowAsync(id, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(long id, CancellationToken cancellationToken)
    {
        if (await uploads.FindAsync(id, cancellationToken) is not { } upload) return NotFound();
        Upload = upload;
        Result = upload.Report is { } json ? JsonSerializer.Deserialize<Report>(json, Json) : null;
        return Page();
    }
}
