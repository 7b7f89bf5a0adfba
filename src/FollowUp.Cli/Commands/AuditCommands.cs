using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>audit list</c>: what happened, who did it, before → after; newest first.</summary>
internal static class AuditCommands
{
    public static Command Build()
    {
        var patient = new Option<long?>("--patient") { Description = "Only rows about this patient id (and their courses)" };
        var course = new Option<long?>("--course") { Description = "Only rows about this course id" };
        var kind = new Option<string?>("--kind") { Description = "Only this kind (e.g. course.enrolled), or every kind under a prefix ending in '.' (e.g. course.)" };
        var since = new Option<string?>("--since") { Description = "From this day or instant (YYYY-MM-DD or ISO 8601, UTC unless an offset is given)" };
        var until = new Option<string?>("--until") { Description = "Before this day or instant (YYYY-MM-DD or ISO 8601)" };
        var limit = new Option<int>("--limit") { Description = "At most this many rows", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var list = new Command("list", """
            List the audit trail, newest first: every send, reply, alert and admin change, who made it and what changed.
            Example: followup-admin audit list --course 42 --since 2026-11-01 --json
            """) { patient, course, kind, since, until, limit, json };
        list.SetAction(async (parsed, cancellationToken) =>
        {
            AuditFilter filter;
            try
            {
                filter = new AuditFilter(parsed.GetValue(patient), parsed.GetValue(course), parsed.GetValue(kind),
                    AuditFilter.Instant(parsed.GetValue(since), "--since"), AuditFilter.Instant(parsed.GetValue(until), "--until"), AuditFilter.CheckedLimit(parsed.GetValue(limit), "--limit"));
            }
            catch (AuditFilterException e)
            {
                throw new UserError(e.Message);
            }
            await using var services = CliContext.Services(parsed);
            var rows = await services.GetRequiredService<AuditQuery>().ListAsync(filter, cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows.Select(r => new
                {
                    id = r.Id, at = DateTime.SpecifyKind(r.At, DateTimeKind.Utc), actor = r.Actor, kind = r.Kind,
                    course_id = r.CourseId, patient_id = r.PatientId, subject_id = r.SubjectId, detail = JsonDocument.Parse(r.Detail).RootElement,
                }), JsonOptions));
                return 0;
            }
            Console.WriteLine($"{"ID",7}  {"AT (UTC)",-19}  {"ACTOR",-16} {"KIND",-22} {"COURSE",6} {"PATIENT",7}  DETAIL");
            foreach (var r in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Id,7}  {r.At:yyyy-MM-dd HH:mm:ss}  {Clip(r.Actor, 16),-16} {Clip(r.Kind, 22),-22} {r.CourseId,6} {r.PatientId,7}  {r.Detail}"));
            if (rows.Count == 0) Console.WriteLine("No audit rows match.");
            return 0;
        });
        return new Command("audit", "The append-only audit trail.") { list };
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
