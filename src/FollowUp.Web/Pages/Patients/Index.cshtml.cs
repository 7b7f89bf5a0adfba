using FollowUp.Alerts;
using FollowUp.Courses;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Web.Pages.Patients;

/// <summary>My patients: every course of the therapist (a lead: of the clinic), open alerts first, each with its trajectory.</summary>
public sealed class IndexModel(CourseQuery courses, CourseAccess access, NpgsqlDataSource dataSource, IOptions<AlertOptions> alertOptions,
    IOptions<WebOptions> web) : ClinicPage
{
    public PatientPage List { get; private set; } = new([], 0);
    public IReadOnlyDictionary<long, CourseTrajectory> Trajectories { get; private set; } = new Dictionary<long, CourseTrajectory>();
    public int PageNumber { get; private set; } = 1;
    public int Pages { get; private set; } = 1;

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] int? page, CancellationToken cancellationToken)
    {
        var size = web.Value.PageSize;
        PageNumber = Math.Clamp(page ?? 1, 1, 1_000_000);
        List = await courses.PatientsAsync(Scope, (PageNumber - 1) * size, size, cancellationToken);
        Pages = (int)Math.Max(1, (List.Total + size - 1) / size);
        var ids = List.Rows.Select(r => r.Id).ToList();
        Trajectories = await CourseTrajectory.ReadManyAsync(dataSource, ids, alertOptions.Value, cancellationToken);
        await access.RecordViewAsync(Me, "patients", null, ids, cancellationToken);
        return Page();
    }
}
