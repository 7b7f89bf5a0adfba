using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace FollowUp.Alerts;

/// <summary>What a re-assessment found and did (or, in a dry run, would do).</summary>
public sealed record ReassessmentSummary(int CoursesAssessed, int Readings, int Findings, int Raised, int Updated, int Unchanged, bool DryRun,
    IReadOnlyList<ReassessedAlert> Changes);

/// <summary>One alert a re-assessment raises or updates: <see cref="Action"/> is "raise" or "update".</summary>
public sealed class ReassessedAlert
{
    public long CourseId { get; init; }
    public string Kind { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Reason { get; init; } = "";
    public string Action { get; init; } = "";
}

/// <summary>
/// Re-evaluates every course with the current <see cref="AlertOptions"/> (after a rule change), with the same pure
/// <see cref="Assessment.Findings"/> the per-reply assessment runs and the same upsert of an open alert
/// (<see cref="Assessment.OnOpenAlert"/>): one open alert per course and kind, a milder finding leaves it alone, and
/// nothing is raised again about a check-in whose alert of that kind a therapist already acknowledged. It differs from
/// running the per-reply assessment on every course in one way only: a finding that would leave its open alert exactly
/// as it is (same severity, reason and check-in) writes nothing and adds no audit row, so running it twice changes
/// nothing the second time. Like the per-reply assessment it never closes an alert; a therapist does.
/// </summary>
/// <remarks>
/// Set-based, for a million replies in seconds: one unbuffered query streams the latest reply of each check-in ordered
/// by course, each course's findings are made in memory as its rows go by, and the findings (a few percent of the
/// courses) go back with one binary COPY into a temporary table and one INSERT ... ON CONFLICT, in one transaction.
/// </remarks>
public sealed class Reassessment(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AlertOptions> options, ILogger<Reassessment> logger)
{
    public const string Actor = "reassessment";

    public async Task<ReassessmentSummary> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The reading query is costed far above jit_above_cost, yet its expressions are trivial: JIT compilation only
        // adds time before the first row (PostgreSQL docs, "When to JIT?").
        await connection.ExecuteAsync(new CommandDefinition("SET LOCAL jit = off", transaction: transaction, cancellationToken: cancellationToken));
        // The sort of every reply by course spills to disk at the default work_mem (4 MB); this rare admin command may
        // use more, for its own transaction only.
        await connection.ExecuteAsync(new CommandDefinition("SET LOCAL work_mem = '128MB'", transaction: transaction, cancellationToken: cancellationToken));
        // Two re-assessments at once (two admins, a script run twice) would both plan the same raises; the second waits.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext('followup.alert-reassess'))", transaction: transaction,
            commandTimeout: 0, cancellationToken: cancellationToken));
        var (courses, readings, findings) = await FindAsync(connection, transaction, cancellationToken);

        await connection.ExecuteAsync(new CommandDefinition(CreateFindings, transaction: transaction, cancellationToken: cancellationToken));
        await using (var import = await connection.BeginBinaryImportAsync(CopyFindings, cancellationToken))
        {
            foreach (var f in findings)
            {
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(f.CourseId, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(f.PatientId, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(f.Finding.Kind, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(f.Finding.Severity, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(f.Finding.Reason, NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(f.Finding.Reading.OffsetDays, NpgsqlDbType.Integer, cancellationToken);
            }
            await import.CompleteAsync(cancellationToken);
        }
        await connection.ExecuteAsync(new CommandDefinition(Plan, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
        var changes = (await connection.QueryAsync<ReassessedAlert>(new CommandDefinition(Changes, transaction: transaction, cancellationToken: cancellationToken))).ToList();
        int raised, updated;
        if (dryRun)
        {
            raised = changes.Count(c => c.Action == "raise");
            updated = changes.Count - raised;
            await transaction.RollbackAsync(cancellationToken);
        }
        else
        {
            var applied = (await connection.QueryAsync<Applied>(new CommandDefinition(Apply, new { now, actor = Actor }, transaction, commandTimeout: 0, cancellationToken: cancellationToken))).ToList();
            await transaction.CommitAsync(cancellationToken);
            raised = applied.Where(a => a.Inserted).Sum(a => a.Count);
            updated = applied.Where(a => !a.Inserted).Sum(a => a.Count);
            foreach (var a in applied)
                for (var i = 0; i < a.Count; i++) Operations.FollowUpMetrics.AlertRaised(a.Kind, a.Severity);
        }
        var summary = new ReassessmentSummary(courses, readings, findings.Count, raised, updated, findings.Count - raised - updated, dryRun, changes);
        Log.Reassessed(logger, courses, findings.Count, raised, updated, dryRun);
        return summary;
    }

    /// <summary>Streams the latest reply of every answered check-in, course by course, and runs the rules on each course.</summary>
    private async Task<(int Courses, int Readings, List<CourseFinding> Findings)> FindAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        var rules = options.Value;
        var findings = new List<CourseFinding>();
        var courses = 0;
        var rows = 0;
        // A raw NpgsqlDataReader rather than Dapper's unbuffered query: a million rows read by ordinal, without a
        // mapped object per row, is most of the time this takes.
        // No time limit: the one query reads every answered check-in of the clinic; Ctrl-C cancels it.
        await using var command = new NpgsqlCommand(Readings, connection, transaction) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var readings = new List<PainReading>();
        long courseId = 0, patientId = 0;
        int painAtStart = 0;
        int? painAtEnd = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (id != courseId)
            {
                Assess();
                courseId = id;
                patientId = reader.GetInt64(1);
                painAtStart = reader.GetInt16(2);
                painAtEnd = reader.IsDBNull(3) ? null : reader.GetInt16(3);
            }
            readings.Add(new PainReading(reader.GetInt32(4), Short(reader, 5), Short(reader, 6), reader.IsDBNull(7) ? null : reader.GetString(7),
                Short(reader, 8), Short(reader, 9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetBoolean(11), reader.GetBoolean(12)));
            rows++;
        }
        Assess();
        return (courses, rows, findings);

        void Assess()
        {
            if (readings.Count == 0) return;
            courses++;
            foreach (var finding in Assessment.Findings(painAtStart, painAtEnd, readings, rules)) findings.Add(new CourseFinding(courseId, patientId, finding));
            // A new list per course: a finding keeps its reading, not the list.
            readings = [];
        }
    }

    private static int? Short(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt16(ordinal);

    private sealed record CourseFinding(long CourseId, long PatientId, Finding Finding);

    private sealed class Applied
    {
        public bool Inserted { get; init; }
        public string Kind { get; init; } = "";
        public string Severity { get; init; } = "";
        public int Count { get; init; }
    }

    // The readings Assessment reads for one course, for every course at once: the latest reply per check-in counts
    // (a second reply corrects the first), in check-in order within each course.
    private const string Readings = """
        SELECT DISTINCT ON (ci.course_id, ci.id)
               ci.course_id, co.patient_id, co.pain_at_start, co.pain_at_end,
               ci.offset_days, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.answer_text, r.crisis_flag,
               ci.confirms_check_in_id IS NOT NULL AS confirming
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses co ON co.id = ci.course_id
        ORDER BY ci.course_id, ci.id, r.received_at DESC, r.id DESC
        """;

    private const string CreateFindings = """
        CREATE TEMPORARY TABLE reassess_findings (
            course_id bigint NOT NULL, patient_id bigint NOT NULL, kind text NOT NULL, severity text NOT NULL, reason text NOT NULL,
            offset_days integer NOT NULL
        ) ON COMMIT DROP
        """;

    private const string CopyFindings = "COPY reassess_findings (course_id, patient_id, kind, severity, reason, offset_days) FROM STDIN (FORMAT BINARY)";

    // Each finding's check-in (as Assessment's target: the course's first check-in at that offset) and what it does to
    // the alerts: nothing when this check-in's alert of the kind was already acknowledged or closed, or when the open
    // alert is more severe, or would stay exactly as it is; a new alert without an open one; otherwise an update.
    private const string Plan = """
        CREATE TEMPORARY TABLE reassess_plan ON COMMIT DROP AS
        SELECT f.course_id, f.patient_id, f.kind, f.severity, f.reason, t.check_in_id,
               CASE WHEN EXISTS (SELECT 1 FROM alerts done
                                 WHERE done.course_id = f.course_id AND done.kind = f.kind AND done.status <> 'open'
                                   AND done.check_in_id IS NOT DISTINCT FROM t.check_in_id) THEN 'unchanged'
                    WHEN o.id IS NULL THEN 'raise'
                    WHEN alert_severity_rank(f.severity)
                       < alert_severity_rank(o.severity) THEN 'unchanged'
                    WHEN o.severity = f.severity AND o.reason = f.reason AND o.check_in_id IS NOT DISTINCT FROM t.check_in_id THEN 'unchanged'
                    ELSE 'update' END AS action
        FROM reassess_findings f
        LEFT JOIN LATERAL (SELECT id AS check_in_id FROM check_ins
                           WHERE course_id = f.course_id AND offset_days = f.offset_days ORDER BY sequence LIMIT 1) t ON true
        LEFT JOIN alerts o ON o.course_id = f.course_id AND o.kind = f.kind AND o.status = 'open'
        """;

    private const string Changes = """
        SELECT course_id, kind, severity, reason, action FROM reassess_plan WHERE action <> 'unchanged' ORDER BY course_id, kind
        """;

    // The planned raises and updates through Assessment's own upsert, each audited as the per-reply assessment audits it.
    private static readonly string Apply = """
        WITH up AS (
            INSERT INTO alerts (course_id, kind, severity, reason, check_in_id, raised_at, notify_status, patient_notice_status, updated_at)
            SELECT p.course_id, p.kind, p.severity, p.reason, p.check_in_id, @now, 'pending', CASE WHEN p.kind = 'crisis' THEN 'pending' END, @now
            FROM reassess_plan p
            WHERE p.action <> 'unchanged'
        """ + "\n" + Assessment.OnOpenAlert + "\n" + """
            RETURNING id, course_id, kind, severity, reason, (xmax = 0) AS inserted
        ), audited AS (
        """ + Audit.AuditTrail.InsertEach("""
            SELECT @now, @actor, CASE WHEN up.inserted THEN 'alert_raised' ELSE 'alert_updated' END, up.course_id, p.patient_id, up.id,
                   jsonb_build_object('Kind', up.kind, 'Severity', up.severity, 'Reason', up.reason)
            FROM up JOIN reassess_plan p ON p.course_id = up.course_id AND p.kind = up.kind
        """) + """
        )
        SELECT inserted, kind, severity, count(*)::int AS count FROM up GROUP BY inserted, kind, severity
        """;
}
