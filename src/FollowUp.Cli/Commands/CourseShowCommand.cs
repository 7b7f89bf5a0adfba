using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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
            await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
            var course = await connection.QuerySingleOrDefaultAsync<Course>(new CommandDefinition(CourseSql, new { courseId }, cancellationToken: cancellationToken))
                ?? throw new UserError($"there is no course {courseId}; see followup-admin course list");
            var checkIns = (await connection.QueryAsync<CheckIn>(new CommandDefinition(CheckInsSql, new { courseId }, cancellationToken: cancellationToken))).ToList();
            var replies = (await connection.QueryAsync<Reply>(new CommandDefinition(RepliesSql, new { courseId }, cancellationToken: cancellationToken))).ToList();
            var alerts = (await connection.QueryAsync<Alert>(new CommandDefinition(AlertsSql, new { courseId }, cancellationToken: cancellationToken))).ToList();
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { course, check_ins = checkIns, replies, alerts }, JsonOptions));
                return 0;
            }
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"Course {course.Id} ({course.Status}): {course.Patient} <{course.PatientEmail}>, {course.TimeZone}"));
            Console.WriteLine(string.Create(c, $"Therapist: {course.Therapist}"));
            Console.WriteLine(string.Create(c, $"Course: {course.StartedOn:yyyy-MM-dd} to {course.EndedOn:yyyy-MM-dd}; pain {course.PainAtStart} at start, {(course.PainAtEnd is { } e ? e.ToString(c) : "unknown")} at end"));
            Console.WriteLine();
            Console.WriteLine($"{"#",2}  {"DUE (UTC)",-16}  {"STATUS",-9}  {"SENT (UTC)",-16}  FAILURE");
            foreach (var ci in checkIns)
                Console.WriteLine(string.Create(c, $"{ci.Sequence,2}  {ci.DueAt:yyyy-MM-dd HH:mm}  {ci.Status,-9}  {(ci.SentAt is { } s ? s.ToString("yyyy-MM-dd HH:mm", c) : ""),-16}  {(ci.Confirming ? $"confirming check-in of #{ci.Sequence - 1000} (pain only) " : "")}{ci.Failure}"));
            Console.WriteLine();
            Console.WriteLine(replies.Count == 0 ? "No replies yet." : "Replies:");
            foreach (var r in replies)
                Console.WriteLine(string.Create(c, $"  #{r.Sequence} {r.ReceivedAt:yyyy-MM-dd HH:mm}  pain {(r.Pain is { } p ? p.ToString(c) : "-")}  mood {(r.MoodScore is { } m ? m.ToString(c) : r.MoodWord ?? "-")}"));
            Console.WriteLine(alerts.Count == 0 ? "No alerts." : "Alerts:");
            foreach (var a in alerts)
                Console.WriteLine(string.Create(c, $"  {a.Id} {a.RaisedAt:yyyy-MM-dd HH:mm} {a.Kind} ({a.Severity}, {a.Status}, therapist email {a.NotifyStatus}): {a.Reason}"));
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    internal sealed class Course
    {
        public long Id { get; init; }
        public string Status { get; init; } = "";
        public string Patient { get; init; } = "";
        public string PatientEmail { get; init; } = "";
        public string TimeZone { get; init; } = "";
        public string Therapist { get; init; } = "";
        public DateOnly StartedOn { get; init; }
        public DateOnly EndedOn { get; init; }
        public int PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
        public DateTime EnrolledAt { get; init; }
    }

    internal sealed class CheckIn
    {
        public int Sequence { get; init; }
        public int OffsetDays { get; init; }
        public DateTime DueAt { get; init; }
        public string Status { get; init; } = "";
        public DateTime? SentAt { get; init; }
        public string? Failure { get; init; }
        public bool Confirming { get; init; }
    }

    internal sealed class Reply
    {
        public int Sequence { get; init; }
        public DateTime ReceivedAt { get; init; }
        public int? Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
    }

    internal sealed class Alert
    {
        public long Id { get; init; }
        public string Kind { get; init; } = "";
        public string Severity { get; init; } = "";
        public string Status { get; init; } = "";
        public string NotifyStatus { get; init; } = "";
        public string Reason { get; init; } = "";
        public DateTime RaisedAt { get; init; }
    }

    private const string CourseSql = """
        SELECT c.id, c.status, p.name AS patient, p.email AS patient_email, p.time_zone,
               COALESCE(t.name || ' <' || t.email || '>', t.email) AS therapist,
               c.started_on, c.ended_on, c.pain_at_start, c.pain_at_end, c.enrolled_at
        FROM courses c JOIN patients p ON p.id = c.patient_id JOIN therapists t ON t.id = c.therapist_id
        WHERE c.id = @courseId
        """;

    private const string CheckInsSql = """
        SELECT sequence, offset_days, due_at, status, sent_at, failure, confirms_check_in_id IS NOT NULL AS confirming
        FROM check_ins WHERE course_id = @courseId ORDER BY due_at, sequence
        """;

    // The answer text stays out: a reply is health information, and the scores are what the clinic acts on.
    private const string RepliesSql = """
        SELECT ci.sequence, r.received_at, r.pain, r.mood_score, r.mood_word
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id WHERE ci.course_id = @courseId ORDER BY r.received_at
        """;

    private const string AlertsSql = """
        SELECT id, kind, severity, status, notify_status, reason, raised_at FROM alerts WHERE course_id = @courseId ORDER BY raised_at
        """;
}
