using FollowUp.Courses;
using FollowUp.Languages;
using FollowUp.Schedules;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FollowUp.Web.Pages.Admin;

/// <summary>Enrols one course through the same <see cref="CourseEnrolment"/> as <c>course enrol</c> (its rules, its messages, its audit).</summary>
public sealed class EnrolModel(CourseEnrolment enrolment, CourseQuery courses, Therapists therapists, ScheduleStore schedules, FormSubmissions forms,
    IOptions<ClinicLanguageOptions> clinicLanguage, IOptions<DataProtection.ConsentOptions> consentOptions, TimeProvider clock) : AdminPage(forms)
{
    public sealed class EnrolForm
    {
        public string? PatientName { get; set; }
        public string? PatientEmail { get; set; }
        public string? PatientId { get; set; }
        public string? Language { get; set; }
        public string? TimeZone { get; set; }
        public string? Therapist { get; set; }
        public string? StartedOn { get; set; }
        public string? EndedOn { get; set; }
        public string? PainAtStart { get; set; }
        public string? PainAtEnd { get; set; }
        public string? Schedule { get; set; }
        public string? RenewedConsent { get; set; }
        /// <summary>How the patient agreed (in_person, form, ...); empty: the clinic's standing rule, when it has one.</summary>
        public string? ConsentMethod { get; set; }
        public string? ConsentOn { get; set; }
        public string? ConsentBy { get; set; }
    }

    [BindProperty] public EnrolForm Form { get; set; } = new();
    public IReadOnlyList<TherapistRow> TherapistList { get; private set; } = [];
    public IReadOnlyList<string> ScheduleNames { get; private set; } = [];
    public string ClinicLanguage => clinicLanguage.Value.Code;
    /// <summary>The clinic's standing rule for consent (FollowUp:Clinic:DefaultConsent), or null when every enrolment must say it.</summary>
    public string? StandingConsent => DataProtection.ConsentMethods.ParseMethod(consentOptions.Value.DefaultConsent);
    public static IReadOnlyList<string> ConsentWays => DataProtection.ConsentMethods.Given;

    /// <summary>Every IANA time zone this machine knows, by name.</summary>
    public static IReadOnlyList<string> TimeZones { get; } = TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId).Select(z => z.Id)
        .Where(id => id.Contains('/', StringComparison.Ordinal) || id == "UTC").Order(StringComparer.Ordinal).ToList();

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "done")] Guid? done, CancellationToken cancellationToken)
    {
        await ReadDoneAsync(done, cancellationToken);
        await ListsAsync(cancellationToken);
        Form.Language = ClinicLanguage;
        Form.Schedule = Schedule.DefaultName;
        Form.ConsentOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "key")] Guid key, CancellationToken cancellationToken)
    {
        await ListsAsync(cancellationToken);
        var problems = new List<string>();
        var therapist = TherapistList.FirstOrDefault(t => string.Equals(t.Email, Form.Therapist, StringComparison.OrdinalIgnoreCase));
        if (therapist is null) problems.Add("therapist: choose the treating therapist from the list");
        var startedOn = EnrolmentFields.Date(Form.StartedOn, "course start", problems);
        var endedOn = EnrolmentFields.Date(Form.EndedOn, "course end", problems);
        var painAtStart = EnrolmentFields.Pain(Form.PainAtStart ?? "", "pain at course start", problems);
        var painAtEnd = EnrolmentFields.Pain(string.IsNullOrWhiteSpace(Form.PainAtEnd) ? null : Form.PainAtEnd.Trim(), "pain at course end", problems);
        var consent = Consent(problems);
        if (problems.Count > 0)
        {
            Problems = problems;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var course = new Enrolment
        {
            PatientName = Form.PatientName?.Trim() ?? "", PatientEmail = Form.PatientEmail?.Trim() ?? "", TimeZone = Form.TimeZone ?? "",
            TherapistEmail = therapist!.Email, TherapistName = therapist.Name, StartedOn = startedOn!.Value, EndedOn = endedOn!.Value,
            PainAtStart = painAtStart ?? 0, PainAtEnd = painAtEnd, Schedule = string.IsNullOrWhiteSpace(Form.Schedule) ? null : Form.Schedule,
            Language = string.IsNullOrWhiteSpace(Form.Language) ? null : Form.Language,
            RenewedConsent = string.IsNullOrWhiteSpace(Form.RenewedConsent) ? null : Form.RenewedConsent.Trim(),
            PatientClinicId = string.IsNullOrWhiteSpace(Form.PatientId) ? null : Form.PatientId.Trim(),
            Consent = consent,
        };
        var outcome = await OnceAsync(key, "enrol", async () =>
        {
            try
            {
                var id = await enrolment.EnrolAsync(course, Me.Email, cancellationToken);
                var planned = await courses.PlannedAsync(id, cancellationToken);
                return FormattableString.Invariant($"Enrolled course {id} for {course.PatientName}: {planned.Count} check-ins planned.");
            }
            catch (EnrolmentException e)
            {
                Problems = e.Problems;
                return null;
            }
        }, cancellationToken);
        return outcome is null ? Page() : Redirected("/admin/enrol", key);
    }

    /// <summary>The consent the form records; none chosen: null, the clinic's standing rule (refused here when there is none).</summary>
    private DataProtection.EnrolmentConsent? Consent(List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(Form.ConsentMethod))
        {
            if (StandingConsent is null) problems.Add("consent: choose how the patient agreed to be emailed after the course");
            return null;
        }
        if (DataProtection.ConsentMethods.ParseMethod(Form.ConsentMethod) is not { } method)
        {
            problems.Add("consent: choose how the patient agreed from the list");
            return null;
        }
        var on = string.IsNullOrWhiteSpace(Form.ConsentOn) ? null : EnrolmentFields.Date(Form.ConsentOn, "consent given on", problems);
        var by = string.IsNullOrWhiteSpace(Form.ConsentBy) ? Me.Email : Form.ConsentBy.Trim();
        return new DataProtection.EnrolmentConsent(method, on, by, null);
    }

    private async Task ListsAsync(CancellationToken cancellationToken)
    {
        TherapistList = await therapists.ListAsync(cancellationToken);
        ScheduleNames = (await schedules.ListAsync(cancellationToken)).Select(s => s.Name).ToList();
    }
}
