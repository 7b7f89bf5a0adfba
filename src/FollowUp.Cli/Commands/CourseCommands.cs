using System.CommandLine;
using System.Text.Json;
using FollowUp.Courses;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

internal static class CourseCommands
{
    public static Command Build() => new("course", "Massage courses under follow-up.")
    {
        Enrol(), CourseImportCommand.Build(), List(), CourseShowCommand.Build(), Pause(), Resume(), Withdraw(), Reanchor(),
    };

    private static Command Enrol()
    {
        var patientName = new Option<string>("--patient-name") { Description = "Patient's name as the emails greet them", Required = true };
        var patientEmail = new Option<string>("--patient-email") { Description = "Patient's email address", Required = true };
        var timeZone = new Option<string>("--time-zone") { Description = "Patient's IANA time zone, e.g. Europe/London", Required = true };
        var therapistEmail = new Option<string>("--therapist-email") { Description = "Treating therapist's email address (receives the alerts)", Required = true };
        var therapistName = new Option<string?>("--therapist-name") { Description = "Treating therapist's name" };
        var startedOn = new Option<string>("--started-on") { Description = "First day of the course, YYYY-MM-DD", Required = true };
        var endedOn = new Option<string>("--ended-on") { Description = "Last day of the course, YYYY-MM-DD", Required = true };
        var painAtStart = new Option<string>("--pain-at-start") { Description = "Pain before the course, 0-10", Required = true };
        var painAtEnd = new Option<string?>("--pain-at-end") { Description = "Pain at the end of the course, 0-10 (if known)" };
        var schedule = new Option<string?>("--schedule") { Description = "The schedule to follow (see 'schedule list'; default: default)" };
        var language = new Option<string?>("--language")
        {
            Description = "The language every email to the patient is written in: en, de, fr, es, it, nl or pt, or its name (German, Deutsch) (default: the clinic's, FollowUp:Clinic:Language)",
        };
        var renewedConsent = new Option<string?>("--renewed-consent")
        {
            Description = "For an address that replied STOP: how and when the patient agreed to follow-up again (kept in the audit trail); without it such an address is refused",
        };
        var patientClinicId = new Option<string?>("--patient-id")
        {
            Description = "The clinic's own identifier of the patient (record number, MRN): a later course with the same id is filed under the same patient",
        };
        var command = new Command("enrol", """
            Enrol one course for follow-up; its check-ins are planned from its schedule (default: weeks 1, 2, 4, 6, 8 and 12 after it ends).
            Example: followup-admin course enrol --patient-name "Dana Example" --patient-email dana@example.org --time-zone Europe/London --therapist-email sam@clinic.example --started-on 2026-10-01 --ended-on 2026-11-05 --pain-at-start 8 --pain-at-end 3
            """)
        {
            patientName, patientEmail, timeZone, therapistEmail, therapistName, startedOn, endedOn, painAtStart, painAtEnd, schedule,
            language, renewedConsent, patientClinicId, CliContext.Actor,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var enrolment = new Enrolment
            {
                PatientName = parsed.GetValue(patientName)!,
                PatientEmail = parsed.GetValue(patientEmail)!,
                TimeZone = parsed.GetValue(timeZone)!,
                TherapistEmail = parsed.GetValue(therapistEmail)!,
                TherapistName = parsed.GetValue(therapistName),
                StartedOn = Date(parsed.GetValue(startedOn), "--started-on"),
                EndedOn = Date(parsed.GetValue(endedOn), "--ended-on"),
                PainAtStart = Pain(parsed.GetValue(painAtStart), "--pain-at-start") ?? 0,
                PainAtEnd = Pain(parsed.GetValue(painAtEnd), "--pain-at-end"),
                Schedule = parsed.GetValue(schedule),
                Language = parsed.GetValue(language),
                RenewedConsent = parsed.GetValue(renewedConsent),
                PatientClinicId = parsed.GetValue(patientClinicId),
            };
            await using var services = CliContext.Services(parsed);
            var courseId = await services.GetRequiredService<CourseEnrolment>().EnrolAsync(enrolment, CliContext.ActorOf(parsed), cancellationToken);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(enrolment.TimeZone);
            var planned = await services.GetRequiredService<CourseQuery>().PlannedAsync(courseId, cancellationToken);
            var first = planned.FirstDueAt is { } due
                ? FormattableString.Invariant($", the first on {TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(due, DateTimeKind.Utc), zone):yyyy-MM-dd HH:mm} {zone.Id}")
                : "";
            Console.WriteLine(FormattableString.Invariant($"Enrolled course {courseId} for {enrolment.PatientName}: {planned.Count} check-ins planned{first}."));
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("list", """
            List courses with their follow-up progress and open alerts.
            Example: followup-admin course list --json
            """) { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var rows = await services.GetRequiredService<CourseQuery>().ListAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
                return 0;
            }
            Console.WriteLine($"{"ID",6}  {"PATIENT",-24} {"LANG",-4} {"THERAPIST",-26} {"ENDED",-10}  {"STATUS",-9} {"SENT",4} {"ANSWERED",8} {"ALERTS",6}");
            foreach (var r in rows)
                Console.WriteLine(FormattableString.Invariant(
                    $"{r.Id,6}  {Clip(r.Patient, 24),-24} {r.Language,-4} {Clip(r.Therapist, 26),-26} {r.EndedOn:yyyy-MM-dd}  {r.Status,-9} {r.Sent,4} {r.Answered,8} {r.OpenAlerts,6}"));
            if (rows.Count == 0) Console.WriteLine("No courses yet: enrol one with 'followup-admin course enrol'.");
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static DateOnly Date(string? value, string option)
    {
        var problems = new List<string>();
        return EnrolmentFields.Date(value, option, problems) ?? throw new UserError(problems[0]);
    }

    private static int? Pain(string? value, string option)
    {
        var problems = new List<string>();
        var pain = EnrolmentFields.Pain(value, option, problems);
        return problems.Count > 0 ? throw new UserError(problems[0]) : pain;
    }

    // course pause | resume | withdraw | reanchor (issue 4).
    private static Command Pause() => Change("pause", "Stop sending to a course for now; planned check-ins wait (those that expire meanwhile are cancelled on resume).",
        (c, id, actor, _, ct) => c.PauseAsync(id, actor, ct));

    private static Command Resume() => Change("resume", "Send to a paused course again.", (c, id, actor, _, ct) => c.ResumeAsync(id, actor, ct));

    private static Command Withdraw() => Change("withdraw", "Take a course out of follow-up: every planned email is cancelled.",
        (c, id, actor, _, ct) => c.WithdrawAsync(id, actor, ct));

    private static Command Reanchor()
    {
        var endedOn = new Option<string>("--ended-on") { Description = "The course's real last day, YYYY-MM-DD", Required = true };
        return Change("reanchor", "Move a course's planned check-ins to a new end date; sent ones stay as they are.",
            (c, id, actor, parsed, ct) => c.ReanchorAsync(id, Date(parsed.GetValue(endedOn), "--ended-on"), actor, ct), endedOn);
    }

    private static Command Change(string verb, string description, Func<CourseChanges, long, string, ParseResult, CancellationToken, Task<CourseChange>> change, Option<string>? extra = null)
    {
        var course = new Argument<long>("course") { Description = "The course's id (see 'course list')" };
        var command = new Command(verb, $"{description}\nExample: followup-admin course {verb} 12{(extra is null ? "" : " --ended-on 2026-11-05")}") { course };
        if (extra is not null) command.Options.Add(extra);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            try
            {
                var done = await change(services.GetRequiredService<CourseChanges>(), parsed.GetValue(course), $"cli:{Environment.UserName}", parsed, cancellationToken);
                Console.WriteLine(FormattableString.Invariant(
                    $"Course {done.CourseId} is {done.Status}{(done.Moved > 0 ? $"; {done.Moved} planned check-in(s) moved" : "")}{(done.Cancelled > 0 ? $"; {done.Cancelled} planned check-in(s) cancelled" : "")}."));
            }
            catch (CourseChangeException e)
            {
                throw new UserError(e.Message);
            }
            return 0;
        });
        return command;
    }
}
