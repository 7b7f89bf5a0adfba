using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.Courses;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>course show ID</c>: one course with its check-ins, replies and alerts.</summary>
internal static class CourseShowCommand
{
    public static Command Build()
    {
        var id = new Argument<long>("ID") { Description = "The course id (see followup-admin course list)" };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("show", """
            Show one course: patient, therapist, dates and pain, each check-in with its status, the replies and the alerts.
            Example: followup-admin course show 42 --json
            """) { id, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var courseId = parsed.GetValue(id);
            await using var services = CliContext.Services(parsed);
            var detail = await services.GetRequiredService<CourseQuery>().ShowAsync(courseId, cancellationToken)
                ?? throw new UserError($"there is no course {courseId}; see followup-admin course list");
            var (course, checkIns, replies, alerts) = detail;
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { course, check_ins = checkIns, replies, kept_replies = detail.Kept, alerts, consents = detail.Consents }, JsonOptions));
                return 0;
            }
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"Course {course.Id} ({course.Status}): {course.Patient} <{course.PatientEmail}>, {course.TimeZone}, writes in {course.Language}{(course.LanguageIsClinics ? " (the clinic's language; none set for this patient)" : "")}"));
            if (course.PatientClinicId is { } clinicId) Console.WriteLine($"Patient id: {clinicId}");
            Console.WriteLine(string.Create(c, $"Therapist: {course.Therapist}"));
            Console.WriteLine(course.ScoresRemovedAt is { } removed
                ? string.Create(c, $"Course: {course.StartedOn:yyyy-MM-dd} to {course.EndedOn:yyyy-MM-dd}; scores removed by retention on {removed:yyyy-MM-dd}")
                : string.Create(c, $"Course: {course.StartedOn:yyyy-MM-dd} to {course.EndedOn:yyyy-MM-dd}; pain {course.PainAtStart} at start, {(course.PainAtEnd is { } e ? e.ToString(c) : "unknown")} at end"));
            Console.WriteLine(detail.Consents.Count == 0 ? "Consent: none recorded (enrolled before FollowUp recorded consent)" : "Consent:");
            foreach (var k in detail.Consents)
                Console.WriteLine(string.Create(c, $"  {k.RecordedAt:yyyy-MM-dd HH:mm} {k.Event} ({k.Method}{(k.GivenOn is { } on ? $", on {on:yyyy-MM-dd}" : "")}{(k.FromClinicDefault ? ", the clinic's standing rule" : "")}) basis {k.Basis ?? "-"}, recorded by {k.RecordedBy}{(k.Note is { } n ? $": {n}" : "")}"));
            Console.WriteLine();
            Console.WriteLine($"{"#",2}  {"DUE (UTC)",-16}  {"STATUS",-9}  {"SENT (UTC)",-16}  NOTE");
            foreach (var ci in checkIns)
                Console.WriteLine(string.Create(c, $"{ci.Sequence,2}  {ci.DueAt:yyyy-MM-dd HH:mm}  {ci.Status,-9}  {(ci.SentAt is { } s ? s.ToString("yyyy-MM-dd HH:mm", c) : ""),-16}  {(ci.Confirming ? $"confirming check-in of #{ci.Sequence - 1000} (pain only) " : "")}{(ci.Awaiting is { Length: > 0 } a ? $"replied; still awaiting {string.Join(", ", a)} " : "")}{ci.Failure}"));
            Console.WriteLine();
            Console.WriteLine(replies.Count == 0 ? "No replies yet." : "Replies:");
            foreach (var r in replies)
            {
                var phq2 = r.Phq2A is null && r.Phq2B is null ? "" : string.Create(c, $"  PHQ-2 {r.Phq2A?.ToString(c) ?? "?"}+{r.Phq2B?.ToString(c) ?? "?"}");
                Console.WriteLine(string.Create(c,
                    $"  #{r.Sequence} {r.ReceivedAt:yyyy-MM-dd HH:mm}  {r.AnswerStatus,-8}  pain {(r.Pain is { } p ? p.ToString(c) : "-")}  mood {(r.MoodScore is { } m ? m.ToString(c) : r.MoodWord ?? "-")}{phq2}{(r.CrisisFlag ? "  SELF-HARM WORDING" : "")}"));
                // What could not be read, and why, is what an admin needs to follow an unclear or partial reply up.
                if (r.AnswerStatus != "complete" && r.ReadAs is { Length: > 0 } why) Console.WriteLine($"     read as: {why}");
            }
            if (detail.Kept.Count > 0) Console.WriteLine("Replies kept for the therapist to confirm, each waiting, applied or dismissed (followup-admin reply apply|dismiss ID --by NAME):");
            foreach (var k in detail.Kept)
            {
                Console.WriteLine(string.Create(c, $"  {k.Id} #{k.Sequence} {k.ReceivedAt:yyyy-MM-dd HH:mm}  {k.Outcome}  {(k.Decision is null ? "waiting" : $"{k.Decision} by {k.DecidedBy} {k.DecidedAt:yyyy-MM-dd HH:mm}")}  from {k.FromAddress}"));
                Console.WriteLine($"     sender: {k.SenderAuthentication}");
                Console.WriteLine($"     why: {k.Reason}");
                var text = string.Join(' ', (k.Text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                Console.WriteLine($"     text: {(text.Length > 200 ? text[..200] + "…" : text)}");
            }
            Console.WriteLine(alerts.Count == 0 ? "No alerts." : "Alerts:");
            foreach (var a in alerts)
                Console.WriteLine(string.Create(c, $"  {a.Id} {a.RaisedAt:yyyy-MM-dd HH:mm} {a.Kind} ({a.Severity}, {a.Status}, therapist email {a.NotifyStatus}): {a.Reason}"));
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
