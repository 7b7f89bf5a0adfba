using System.Globalization;
using System.Text;
using FollowUp.Courses;
using FollowUp.Exports;
using FollowUp.Outcomes;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Reports;

/// <summary>
/// The clinic's outcomes (<c>followup-admin report outcomes</c>, the same query and chart): pain over time by group,
/// the shares improved, kept the improvement, worsened late and lost to follow-up, by therapist and the days the
/// courses ended; and the same courses' CSV and FHIR R4 exports (<c>followup-admin export</c>), streamed and audited.
/// </summary>
[Authorize(Roles = Roles.Lead + "," + Roles.Admin)]
public sealed class OutcomesModel(OutcomeQuery outcomes, ExportQuery exports, Therapists therapists, TimeProvider clock) : ClinicPage
{
    [BindProperty(SupportsGet = true, Name = "therapist")] public string? Therapist { get; set; }
    [BindProperty(SupportsGet = true, Name = "from")] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true, Name = "to")] public DateOnly? To { get; set; }

    public OutcomeSummary? Summary { get; private set; }
    public IReadOnlyList<TherapistRow> TherapistList { get; private set; } = [];
    public string? Problem { get; private set; }

    public string Title => $"Pain after the course by group ({Summary?.Courses ?? 0} courses)";

    /// <summary>The chart as an image (the CLI's SVG, unchanged), with its words in the alt text and the table below.</summary>
    public string ChartSource => "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(OutcomeChart.Svg(Summary!, Title)));

    public string FilterQuery => Pages.FilterQuery.Of(
            ("therapist", Therapist), ("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        TherapistList = await therapists.ListAsync(cancellationToken);
        if (!Checked()) return Page();
        Summary = await outcomes.SummariseAsync(new OutcomeFilter(Blank(Therapist), From, To), cancellationToken);
        return Page();
    }

    /// <summary>courses.csv, check_ins.csv, replies.csv and alerts.csv in one zip, as <c>export --format csv</c> writes them.</summary>
    public Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken) =>
        ExportAsync("csv", "application/zip", "zip", (set, body) =>
        {
            // ZipArchive writes each entry's closing data descriptor synchronously, even from DisposeAsync.
            HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
            return CsvExport.WriteZipAsync(set, body, cancellationToken);
        }, cancellationToken);

    /// <summary>FHIR R4 NDJSON, as <c>export --format fhir</c> writes it.</summary>
    public Task<IActionResult> OnGetFhirAsync(CancellationToken cancellationToken) =>
        ExportAsync("fhir", "application/fhir+ndjson", "ndjson", async (set, body) =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), leaveOpen: true);
            await FhirExport.WriteAsync(set, writer, cancellationToken);
        }, cancellationToken);

    private async Task<IActionResult> ExportAsync(string format, string contentType, string extension, Func<ExportSet, Stream, Task> write, CancellationToken cancellationToken)
    {
        if (!Checked())
        {
            TherapistList = await therapists.ListAsync(cancellationToken);
            return Page();
        }
        var therapist = Blank(Therapist);
        var set = await exports.ReadAsync(From, To, cancellationToken, therapist);
        await exports.RecordAsync(Me.Email, format, From, To, therapist, set, clock, cancellationToken);
        Response.ContentType = contentType;
        Response.Headers.ContentDisposition = $"attachment; filename=\"followup-export-{clock.GetUtcNow():yyyyMMdd-HHmmss}.{extension}\"";
        await write(set, Response.Body);
        return new EmptyResult();
    }

    private bool Checked()
    {
        if (From is { } f && To is { } t && f > t) Problem = $"From {f:yyyy-MM-dd} is after To {t:yyyy-MM-dd}";
        else if (!ModelState.IsValid) Problem = "From and To must be dates (YYYY-MM-DD)";
        else return true;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return false;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static string Quartiles(Quartiles? q) => q is null ? "–" : string.Create(CultureInfo.InvariantCulture, $"{q.Median:0.#} [{q.Q1:0.#}, {q.Q3:0.#}]");

    public string Share(int n) => Summary is not { Courses: > 0 } s ? "–" : string.Create(CultureInfo.InvariantCulture, $"{n} of {s.Courses} ({100.0 * n / s.Courses:0}%)");
}
