using System.Data.Common;
using Dapper;
using FollowUp.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Alerts;

/// <summary>Re-evaluates a course after each stored answer and raises or updates its alerts, in the caller's transaction.</summary>
internal sealed class Assessment(TimeProvider clock, IOptions<AlertOptions> options, ILogger<Assessment> logger)
{
    /// <summary>
    /// Every finding the rules make for a course's stored scores and answers, looking back (re-assessment). Pure. The pain
    /// finding is judged by the same confirmation rule as each new answer: what the stored answers confirm is raised as
    /// confirmed, what a stored confirming answer dismissed is not raised; a crossing the stored answers have not yet
    /// confirmed is raised saying so, because looking back asks no patient and an unconfirmed crossing is never swallowed.
    /// </summary>
    public static IReadOnlyList<Finding> Findings(int baseline, int? painAtEnd, IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        var pain = Confirmation.Decide(baseline, painAtEnd, readings, options) switch
        {
            { Step: PainStep.AlertNow, Finding: { } confirmed } => confirmed,
            { Step: PainStep.AskToConfirm, Finding: { } open } => open with { Reason = open.Reason + "; unconfirmed: found by re-assessment, which asks no patient" },
            _ => null,
        };
        return new[] { CrisisWords.Evaluate(readings, options), pain, Mood.Evaluate(readings, options) }.OfType<Finding>().ToList();
    }

    internal async Task<IReadOnlyList<Finding>> AssessAsync(DbConnection connection, DbTransaction transaction, long courseId, CancellationToken cancellationToken) =>
        await AssessAsync(connection, transaction, courseId, await LoadAsync(connection, transaction, courseId, cancellationToken), cancellationToken);

    /// <summary>
    /// As <see cref="AssessAsync(DbConnection, DbTransaction, long, CancellationToken)"/> on what a caller read with
    /// <see cref="CoursesAndReadings"/> in its own round trip (the inbox, in the batch that stores a run's replies).
    /// </summary>
    internal async Task<IReadOnlyList<Finding>> AssessAsync(DbConnection connection, DbTransaction transaction, long courseId,
        (CourseScores Course, List<PainReading> Readings) loaded, CancellationToken cancellationToken)
    {
        var (course, readings) = loaded;
        var rules = options.Value;
        var now = clock.GetUtcNow();
        var pain = Confirmation.Decide(course.PainAtStart, course.PainAtEnd, readings, rules);
        // A first crossing reading of normal severity is asked again (the check-in owner plans it) instead of alerted;
        // so is a confirming answer exactly at the threshold under ConfirmationRule.AboveOnAverage (asked once more).
        if (pain is { Step: PainStep.AskToConfirm, Finding: { } unconfirmed })
            await CheckIns.ConfirmingCheckIns.PlanAsync(connection, transaction, courseId, course.PatientId, unconfirmed.Reading.OffsetDays,
                unconfirmed.Reading.Confirming, rules.ConfirmAfterDays, rules.ConfirmOpenDays, rules.ConfirmRemindAfterDays, now, cancellationToken);
        var findings = new[] { CrisisWords.Evaluate(readings, rules), pain.Step == PainStep.AlertNow ? pain.Finding : null, Mood.Evaluate(readings, rules) }
            .OfType<Finding>().ToList();
        foreach (var finding in findings)
            await RaiseAsync(connection, transaction, courseId, course.PatientId, finding, now, logger, cancellationToken);
        // Digest only: a mood to watch is never emailed on its own.
        if (Mood.Watch(readings, rules) is { } watch)
            await RaiseAsync(connection, transaction, courseId, course.PatientId, watch, now, logger, cancellationToken, notifyStatus: "digest");
        return findings;
    }

    /// <summary>A course's scores and its readings (the latest reply per check-in).</summary>
    internal static async Task<(CourseScores Course, List<PainReading> Readings)> LoadAsync(DbConnection connection, DbTransaction? transaction, long courseId,
        CancellationToken cancellationToken)
    {
        // The course's scores and its readings in one round trip: this runs for every stored answer, inside the
        // reply's transaction, so each round trip here is one more per reply read from the mailbox.
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(CoursesAndReadings, new { courseIds = new[] { courseId } }, transaction,
            cancellationToken: cancellationToken));
        var course = await results.ReadSingleAsync<CourseScores>();
        return (course, (await results.ReadAsync<ReadingRow>()).Select(r => r.Reading()).ToList());
    }

    /// <summary>
    /// Raises a finding as an alert, or updates the course's open alert of its kind when the finding is at least as
    /// severe; audited in the same transaction. Nothing happens when an alert of this kind about the same check-in was
    /// already acknowledged (the therapist has seen exactly this).
    /// </summary>
    internal static async Task<long?> RaiseAsync(DbConnection connection, DbTransaction? transaction, long courseId, long patientId, Finding finding,
        DateTimeOffset now, ILogger logger, CancellationToken cancellationToken, string notifyStatus = "pending", bool noticePatient = true)
    {
        var raised = await connection.QuerySingleOrDefaultAsync<Raised>(new CommandDefinition(RaiseOrUpdate, new
        {
            courseId,
            kind = finding.Kind,
            severity = finding.Severity,
            reason = finding.Reason,
            offsetDays = finding.Reading.OffsetDays,
            notifyStatus,
            patientNotice = finding.Kind == AlertKinds.Crisis && noticePatient ? "pending" : null,
            now = now.UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));
        if (raised is null) return null;
        await AuditTrail.WriteAsync(connection, transaction, now, "assessment", raised.Inserted ? "alert_raised" : "alert_updated", courseId, patientId, raised.Id,
            new { finding.Kind, finding.Severity, finding.Reason }, cancellationToken);
        Log.AlertRaised(logger, raised.Id, courseId, finding.Kind, finding.Severity);
        Operations.FollowUpMetrics.AlertRaised(finding.Kind, finding.Severity);
        return raised.Id;
    }

    /// <summary>
    /// <see cref="CoursesAndReadings"/> for <paramref name="courseIds"/>, as batch commands for a caller that reads them in
    /// its own round trip (the inbox, in the batch that stores a run's replies) with <see cref="ReadManyAsync"/>.
    /// </summary>
    internal static IEnumerable<NpgsqlBatchCommand> CoursesAndReadingsCommands(long[] courseIds) =>
        Replies.InboundRows.Commands(CoursesAndReadings, ("courseIds", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint, courseIds));

    /// <summary>
    /// The two result sets of <see cref="CoursesAndReadings"/> at <paramref name="reader"/>'s current one: each course's
    /// scores and readings, by course.
    /// </summary>
    internal static async Task<Dictionary<long, (CourseScores Course, List<PainReading> Readings)>> ReadManyAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var courses = await Replies.InboundRows.ReadAllAsync<CourseScores>(reader, cancellationToken);
        var readings = (await Replies.InboundRows.ReadAllAsync<ReadingRow>(reader, cancellationToken)).ToLookup(r => r.CourseId, r => r.Reading());
        return courses.ToDictionary(c => c.CourseId, c => (c, readings[c.CourseId].ToList()));
    }

    private sealed class Raised
    {
        public long Id { get; init; }
        public bool Inserted { get; init; }
    }

    internal sealed class CourseScores
    {
        public long CourseId { get; init; }
        public long PatientId { get; init; }
        public int PainAtStart { get; init; }
        public int? PainAtEnd { get; init; }
    }

    private sealed class ReadingRow
    {
        public long CourseId { get; init; }
        public int OffsetDays { get; init; }
        public int? Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
        public int? Phq2A { get; init; }
        public int? Phq2B { get; init; }
        public string? AnswerText { get; init; }
        public bool CrisisFlag { get; init; }
        public bool Confirming { get; init; }

        public PainReading Reading() => new(OffsetDays, Pain, MoodScore, MoodWord, Phq2A, Phq2B, AnswerText, CrisisFlag, Confirming);
    }

    // The latest reply per check-in counts (a second reply corrects the first); each course's readings in check-in
    // order. Parameter @courseIds: one course or a run's.
    internal const string CoursesAndReadings = """
        SELECT id AS course_id, patient_id, pain_at_start, pain_at_end FROM courses WHERE id = ANY(@courseIds);
        SELECT DISTINCT ON (ci.id) ci.course_id, ci.offset_days, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.answer_text, r.crisis_flag,
               ci.confirms_check_in_id IS NOT NULL AS confirming
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id
        WHERE ci.course_id = ANY(@courseIds)
        ORDER BY ci.id, r.received_at DESC, r.id DESC
        """;

    // One open alert per course and kind. A reading at least as severe updates it (the latest reason); a more severe
    // one also tells the therapist again; a crisis about another reply emails the patient again. A milder reading
    // leaves the open alert as it is.
    private const string RaiseOrUpdate = """
        WITH target AS (
            SELECT id FROM check_ins WHERE course_id = @courseId AND offset_days = @offsetDays ORDER BY sequence LIMIT 1)
        INSERT INTO alerts (course_id, kind, severity, reason, check_in_id, raised_at, notify_status, patient_notice_status, updated_at)
        SELECT @courseId, @kind, @severity, @reason, (SELECT id FROM target), @now, @notifyStatus, @patientNotice, @now
        WHERE NOT EXISTS (
            SELECT 1 FROM alerts done
            WHERE done.course_id = @courseId AND done.kind = @kind AND done.status <> 'open'
              AND done.check_in_id IS NOT DISTINCT FROM (SELECT id FROM target))
        """ + "\n" + OnOpenAlert + "\n" + """
        RETURNING id, (xmax = 0) AS inserted
        """;

    // What an upsert of a finding does to the course's open alert of its kind; shared with Reassessment, so that a
    // re-assessment of every course treats an open alert exactly as the per-reply assessment does.
    internal const string OnOpenAlert = """
        ON CONFLICT (course_id, kind) WHERE status = 'open' DO UPDATE
        SET reason = EXCLUDED.reason, check_in_id = EXCLUDED.check_in_id, severity = EXCLUDED.severity, updated_at = EXCLUDED.updated_at,
            notify_status = CASE WHEN alerts.notify_status <> 'digest'
                                  AND alert_severity_rank(EXCLUDED.severity)
                                    > alert_severity_rank(alerts.severity)
                                 THEN 'pending' ELSE alerts.notify_status END,
            -- A re-notification is not a retry: it goes out on the next tick, not after the retry spacing.
            notify_claimed_at = CASE WHEN alerts.notify_status <> 'digest'
                                      AND alert_severity_rank(EXCLUDED.severity)
                                        > alert_severity_rank(alerts.severity)
                                     THEN NULL ELSE alerts.notify_claimed_at END,
            patient_notice_status = CASE WHEN EXCLUDED.patient_notice_status = 'pending' AND alerts.check_in_id IS DISTINCT FROM EXCLUDED.check_in_id
                                         THEN 'pending' ELSE alerts.patient_notice_status END
        WHERE alert_severity_rank(EXCLUDED.severity)
           >= alert_severity_rank(alerts.severity)
        """;
}
