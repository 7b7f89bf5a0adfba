using FollowUp.Alerts;
using FollowUp.Audit;
using FollowUp.Courses;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Web.Pages.Courses;

/// <summary>One course: the trajectory, each check-in with the patient's own words beside what was read, the alerts, the audit trail.</summary>
public sealed class ShowModel(CourseQuery courses, CourseAccess access, AuditQuery audit, NpgsqlDataSource dataSource, IOptions<AlertOptions> alertOptions) : ClinicPage
{
    public CourseDetail Detail { get; private set; } = null!;
    public CourseTrajectory Trajectory { get; private set; } = null!;
    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];
    public IReadOnlyList<CourseDetail.Alert> OpenAlerts => Detail.Alerts.Where(a => a.Status == "open").ToList();
    public string? Acknowledged { get; private set; }

    /// <summary>What a check-in still waits for, in words (the stored names are pain, phq2_a, phq2_b).</summary>
    public static string Awaited(IEnumerable<string> items) => string.Join(" and ", items.Select(i => i switch
    {
        "pain" => "the pain score",
        "phq2_a" => "PHQ-2 item 1 (interest)",
        "phq2_b" => "PHQ-2 item 2 (feeling down)",
        _ => i,
    }));

    public async Task<IActionResult> OnGetAsync(long id, [FromQuery(Name = "acknowledged")] long? acknowledged, CancellationToken cancellationToken)
    {
        // Another therapist's course is "not found", as a course that does not exist.
        if (!await access.MaySeeCourseAsync(Me, id, cancellationToken)) return NotFound();
        if (await courses.ShowAsync(id, cancellationToken) is not { } detail) return NotFound();
        Detail = detail;
        if (acknowledged is { } alertId && detail.Alerts.Any(a => a.Id == alertId && a.Status == "acknowledged"))
            Acknowledged = $"Alert acknowledged. It stays in the course's record with your note.";
        Trajectory = await CourseTrajectory.ReadAsync(dataSource, id, alertOptions.Value, cancellationToken);
        // The trail as it was before this look; the look itself is the newest row from now on.
        Audit = await audit.ListAsync(new AuditFilter(CourseId: id, Limit: 200), cancellationToken);
        await access.RecordViewAsync(Me, "course", id, null, cancellationToken);
        return Page();
    }
}
