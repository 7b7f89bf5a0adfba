using System.Globalization;
using System.Text;
using FollowUp.Audit;
using FollowUp.Exports;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Reports;

/// <summary>
/// The append-only audit trail with the filters of <c>followup-admin audit list</c> (the same query and the same
/// reading of days and instants), newest first, and the same rows as a CSV file written by the export's CSV writer.
/// </summary>
[Authorize(Roles = Roles.Lead + "," + Roles.Admin)]
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

    public string FilterQuery => Pages.FilterQuery.Of(
            ("patient", Patient?.ToString(CultureInfo.InvariantCulture)), ("course", Course?.ToString(CultureInfo.InvariantCulture)), ("kind", Kind),
            ("since", Since), ("until", Until), ("limit", Limit.ToString(CultureInfo.InvariantCulture)));

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

    /// <summary>
    /// A row's detail in words an admin reads at a glance: what changed as "role: therapist → lead", the other facts as
    /// "page: course". The CSV keeps the stored JSON as it is.
    /// </summary>
    public static IReadOnlyList<string> Describe(string detail)
    {
        using var json = System.Text.Json.JsonDocument.Parse(detail);
        if (json.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object) return [detail];
        var lines = new List<string>();
        var root = json.RootElement;
        root.TryGetProperty("before", out var before);
        root.TryGetProperty("after", out var after);
        if (after.ValueKind == System.Text.Json.JsonValueKind.Object && before.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            var keys = before.EnumerateObject().Select(p => p.Name).Union(after.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
            foreach (var key in keys)
            {
                var was = before.TryGetProperty(key, out var b) ? Value(b) : "–";
                var now = after.TryGetProperty(key, out var a) ? Value(a) : "–";
                if (was != now) lines.Add($"{Words(key)}: {was} → {now}");
            }
            if (lines.Count == 0) lines.Add("no change");
        }
        else if (after.ValueKind == System.Text.Json.JsonValueKind.Object)
            lines.AddRange(after.EnumerateObject().Select(p => $"{Words(p.Name)}: {Value(p.Value)}"));
        foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("before" or "after") || p.Value.ValueKind != System.Text.Json.JsonValueKind.Object && p.Value.ValueKind != System.Text.Json.JsonValueKind.Null))
            lines.Add($"{Words(property.Name)}: {Value(property.Value)}");
        return lines;
    }

    private static string Words(string key) => key.Replace('_', ' ');

    private static string Value(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => value.GetString() ?? "",
        System.Text.Json.JsonValueKind.Null => "–",
        System.Text.Json.JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Value)),
        // A nested record (a consent's by, basis and date) as its fields, never as JSON.
        System.Text.Json.JsonValueKind.Object => string.Join("; ", value.EnumerateObject().Select(p => $"{Words(p.Name)} {Value(p.Value)}")),
        _ => value.GetRawText(),
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
