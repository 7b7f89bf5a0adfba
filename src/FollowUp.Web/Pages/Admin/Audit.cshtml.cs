using System.Globalization;
using System.Text;
using FollowUp.Audit;
using FollowUp.Exports;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin;

/// <summary>
/// The append-only audit trail with the filters of <c>followup-admin audit list</c> (the same query and the same
/// reading of days and instants), newest first, and the same rows as a CSV file written by the export's CSV writer.
/// </summary>
[Authorize(Roles = AdminRoles.Reports)]
public sealed class AuditModel(AuditQuery audit, CourseAccess access, TimeProvider clock) : ClinicPage
{
    [BindProperty(SupportsGet = true, Name = "patient")] public long? Patient { get; set; }
    [BindProperty(SupportsGet = true, Name = "course")] public long? Course { get; set; }
    [BindProperty(SupportsGet = true, Name = "kind")] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true, Name = "since")] public string? Since { get; set; }
    [BindProperty(SupportsGet = true, Name = "until")] public string? Until { get; set; }
    [BindProperty(SupportsGet = true, Name = "limit")] public int Limit { get; set; } = 100;

    public IReadOnlyList<AuditEntry> Rows { get; private set; } = [];
    public string? Problem { get; private set; }

    public string FilterQuery => string.Join("&", new (string Name, string? Value)[]
        {
            ("patient", Patient?.ToString(CultureInfo.InvariantCulture)), ("course", Course?.ToString(CultureInfo.InvariantCulture)), ("kind", Kind),
            ("since", Since), ("until", Until), ("limit", Limit.ToString(CultureInfo.InvariantCulture)),
        }.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Filter() is not { } filter) return Page();
        Rows = await audit.ListAsync(filter, cancellationToken);
        await access.RecordViewAsync(Me, "audit", Course, null, cancellationToken);
        return Page();
    }

    /// <summary>The rows the filters select as CSV, streamed; the download itself is an audit row.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (Filter() is not { } filter) return Page();
        var rows = await audit.ListAsync(filter, cancellationToken);
        await access.RecordViewAsync(Me, "audit.csv", Course, null, cancellationToken);
        var name = $"followup-audit-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv";
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        await using var writer = new StreamWriter(Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await CsvExport.WriteAuditAsync(rows, writer, cancellationToken);
        return new EmptyResult();
    }

    private AuditFilter? Filter()
    {
        try
        {
            return new AuditFilter(Patient, Course, string.IsNullOrWhiteSpace(Kind) ? null : Kind.Trim(),
                AuditFilter.Instant(Blank(Since), "Since"), AuditFilter.Instant(Blank(Until), "Until"), AuditFilter.CheckedLimit(Math.Min(Limit, 10_000), "At most"));
        }
        catch (AuditFilterException e)
        {
            Problem = e.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return null;
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
