using FollowUp.Languages;
using FollowUp.Mail;
using FollowUp.Schedules;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FollowUp.Web.Pages.Admin.Schedules;

/// <summary>
/// Creates or edits a schedule. "Check and preview" validates it as <c>schedule validate</c> does (the same messages,
/// a template error with its line and column), renders a sample check-in in every language as
/// <c>schedule preview --schedule --language</c> does, and counts the emails not yet sent that saving reaches.
/// As the admin types, /followup.js asks the same check of <see cref="OnPostCheckAsync"/> and shows its answer in place.
/// "Save" saves through the same <see cref="ScheduleStore.SaveAsync"/> as <c>schedule set</c>, audited before → after.
/// </summary>
// A schedule's form is a few templates per language: a request far larger is no admin's form (the live check, sent as
// the admin types, is bounded by the same).
[RequestSizeLimit(EditModel.MaxFormBytes)]
public sealed class EditModel(ScheduleStore store, FormSubmissions forms, IOptions<ClinicLanguageOptions> clinicLanguage, IOptions<ClinicOptions> clinic) : AdminPage(forms)
{
    public sealed record Preview(string Language, string Subject, string Text, string Html, bool Fallback);

    public const int MaxFormBytes = 1024 * 1024;

    [BindProperty] public ScheduleForm Form { get; set; } = new();
    public IReadOnlyList<Preview> Previews { get; private set; } = [];
    public IReadOnlyList<string> Warnings { get; private set; } = [];
    public int? Reach { get; private set; }
    public bool Checked { get; private set; }
    /// <summary>Rendered for the live check (as the admin types), not after the button.</summary>
    public bool Live { get; private set; }
    public string ClinicLanguage => clinicLanguage.Value.Code;

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "name")] string? name, CancellationToken cancellationToken)
    {
        SecurityHeaders.AllowScript(HttpContext);
        if (name is null)
        {
            // A new schedule starts from the clinical default, under a name of the admin's.
            Form = ScheduleForm.Of(Schedule.Default with { Name = "" }, "", ClinicLanguage);
            return Page();
        }
        if (await store.FindAsync(name, cancellationToken) is not { } schedule) return NotFound();
        Form = ScheduleForm.Of(schedule, schedule.Name, ClinicLanguage);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "act")] string? act, [FromForm(Name = "key")] Guid key, CancellationToken cancellationToken)
    {
        SecurityHeaders.AllowScript(HttpContext);
        // Reach is counted only for a schedule with no problem (a sample that fails to render is shown, with 200).
        if (await CheckAsync(preview: act != "save", cancellationToken) is not { } schedule || Reach is not { } reach)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (act != "save") return Page();
        var outcome = await OnceAsync(key, "schedule", async () =>
        {
            try
            {
                await store.SaveAsync(schedule, Me.Email, cancellationToken);
            }
            catch (ScheduleException e)
            {
                Problems = e.Problems;
                return null;
            }
            return FormattableString.Invariant($"Saved schedule '{schedule.Name}': {schedule.Items.Count} check-ins. The change reaches {reach} check-in email{(reach == 1 ? "" : "s")} not yet sent.");
        }, cancellationToken);
        return outcome is null ? Page() : Redirected("/admin/schedules", key);
    }

    /// <summary>
    /// The form checked and previewed as the admin types (by /followup.js): the same check as the button, answered with
    /// the part of the page it changes. A read: it saves nothing, claims no form key and writes no audit entry.
    /// </summary>
    public async Task<IActionResult> OnPostCheckAsync(CancellationToken cancellationToken)
    {
        Live = true;
        await CheckAsync(preview: true, cancellationToken);
        Response.Headers["X-FollowUp-Fragment"] = "1";
        return Partial("_Check", this);
    }

    /// <summary>
    /// The schedule the form describes, checked as <c>schedule validate</c> checks a file (<see cref="AdminPage.Problems"/> set),
    /// with the emails it reaches and, when asked, a sample of each language's email; null when it cannot be read.
    /// </summary>
    private async Task<Schedule?> CheckAsync(bool preview, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        Problems = problems;
        var schedule = Form.ToSchedule(ClinicLanguage, problems);
        if (schedule is not null) problems.AddRange(ScheduleStore.Problems(schedule));
        // Saving under a name is create-or-replace (as schedule set): a form opened for one schedule, or for a new one,
        // must not replace another schedule that happens to have the name typed.
        if (schedule is not null && !string.Equals(schedule.Name.Trim(), Form.Editing ?? "", StringComparison.OrdinalIgnoreCase)
            && await store.FindAsync(schedule.Name, cancellationToken) is { } other)
            problems.Add($"name: a schedule named '{other.Name}' exists already; open it from the list to change it, or choose another name");
        if (schedule is null || problems.Count > 0) return schedule;
        Warnings = Templates.FallbackWarnings(schedule, ClinicLanguage);
        Reach = await store.QueuedCheckInsAsync(schedule.Name, cancellationToken);
        if (!preview) return schedule;
        var previews = new List<Preview>();
        foreach (var code in ScheduleForm.Ordered(ClinicLanguage))
        {
            try
            {
                // As the clinic's patients get it: the clinic's name, and the therapist's left out under a minimal-PHI schedule.
                var sample = Templates.RenderSample(schedule, code, ClinicLanguage, clinic.Value.Name);
                previews.Add(new Preview(code, sample.Subject, sample.Text, sample.Html, sample.Language != code));
            }
            catch (TemplateFailureException e)
            {
                problems.Add($"{LanguageName(code)} sample: {e.Message}");
            }
        }
        Previews = previews;
        Checked = problems.Count == 0;
        return schedule;
    }

    public static string LanguageName(string code) => global::System.Globalization.CultureInfo.GetCultureInfo(code).EnglishName;
}
