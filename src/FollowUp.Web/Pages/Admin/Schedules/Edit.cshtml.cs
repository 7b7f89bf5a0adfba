using FollowUp.Languages;
using FollowUp.Schedules;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FollowUp.Web.Pages.Admin.Schedules;

/// <summary>
/// Creates or edits a schedule. "Check and preview" validates it as <c>schedule validate</c> does (the same messages,
/// a template error with its line and column), renders a sample check-in in every language as
/// <c>schedule preview --schedule --language</c> does, and counts the emails not yet sent that saving reaches.
/// "Save" saves through the same <see cref="ScheduleStore.SaveAsync"/> as <c>schedule set</c>, audited before → after.
/// </summary>
public sealed class EditModel(ScheduleStore store, FormSubmissions forms, IOptions<ClinicLanguageOptions> clinicLanguage) : AdminPage(forms)
{
    public sealed record Preview(string Language, string Subject, string Text, bool Fallback);

    [BindProperty] public ScheduleForm Form { get; set; } = new();
    public IReadOnlyList<Preview> Previews { get; private set; } = [];
    public IReadOnlyList<string> Warnings { get; private set; } = [];
    public int? Reach { get; private set; }
    public bool Checked { get; private set; }
    public string ClinicLanguage => clinicLanguage.Value.Code;

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "name")] string? name, CancellationToken cancellationToken)
    {
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
        var problems = new List<string>();
        var schedule = Form.ToSchedule(ClinicLanguage, problems);
        if (schedule is not null) problems.AddRange(ScheduleStore.Problems(schedule));
        // Saving under a name is create-or-replace (as schedule set): a form opened for one schedule, or for a new one,
        // must not replace another schedule that happens to have the name typed.
        if (schedule is not null && !string.Equals(schedule.Name.Trim(), Form.Editing ?? "", StringComparison.OrdinalIgnoreCase)
            && await store.FindAsync(schedule.Name, cancellationToken) is { } other)
            problems.Add($"name: a schedule named '{other.Name}' exists already; open it from the list to change it, or choose another name");
        Problems = problems;
        if (schedule is null || problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Warnings = Templates.FallbackWarnings(schedule, ClinicLanguage);
        Reach = await store.QueuedCheckInsAsync(schedule.Name, cancellationToken);
        if (act != "save")
        {
            var previews = new List<Preview>();
            foreach (var code in ScheduleForm.Ordered(ClinicLanguage))
            {
                try
                {
                    var sample = Templates.RenderSample(schedule, code, ClinicLanguage);
                    previews.Add(new Preview(code, sample.Subject, sample.Text, sample.Language != code));
                }
                catch (TemplateFailureException e)
                {
                    problems.Add($"{LanguageName(code)} sample: {e.Message}");
                }
            }
            Previews = previews;
            Checked = problems.Count == 0;
            return Page();
        }
        var reach = Reach.Value;
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

    public static string LanguageName(string code) => global::System.Globalization.CultureInfo.GetCultureInfo(code).EnglishName;
}
