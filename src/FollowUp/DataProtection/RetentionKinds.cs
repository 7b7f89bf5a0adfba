namespace FollowUp.DataProtection;

/// <summary>
/// What each kind of data is, in SQL: the rows past their period (<see cref="Kind.Candidates"/>: id and the instant the
/// period counts from, for rows not yet removed) and what removing them does. Preview counts the candidates and a run
/// removes exactly them, so the two cannot disagree. No kind touches a course with an open alert.
/// </summary>
internal static class RetentionKinds
{
    /// <summary>One kind: its setting's name, what a person calls it, which rows are past the cutoff, and their removal (@ids).</summary>
    internal sealed record Kind(string Name, string What, string Candidates, string Remove);

    private static string OpenAlertFree(string courseId) => $"NOT EXISTS (SELECT 1 FROM alerts oa WHERE oa.status = 'open' AND oa.course_id = {courseId})";

    // A reply kept for the therapist and not yet decided (unverified sender, held) waits for a person: its message stays.
    internal static readonly Kind RawEmails = new("RawEmails", "raw inbound messages (headers, text, subject, sender)", $"""
        SELECT m.id, m.received_at AS at
        FROM inbound_messages m LEFT JOIN check_ins ci ON ci.id = m.check_in_id
        WHERE m.raw_purged_at IS NULL AND m.received_at < @cutoff
          AND NOT (m.outcome IN ('unverified', 'held') AND m.decided_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.status = 'open' AND (a.course_id = ci.course_id OR a.inbound_message_id = m.id))
        """, """
        UPDATE inbound_messages SET raw_headers = '', body_text = NULL, subject = NULL, from_address = NULL, raw_purged_at = @now
        WHERE id = ANY(@ids) AND raw_purged_at IS NULL
        """);

    internal static readonly Kind ReplyText = new("ReplyText", "reply text (the patient's words)", $"""
        SELECT r.id, r.received_at AS at
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id
        WHERE r.text_purged_at IS NULL AND r.received_at < @cutoff AND {OpenAlertFree("ci.course_id")}
        """, """
        UPDATE replies SET answer_text = '', crisis_terms = NULL, text_purged_at = @now WHERE id = ANY(@ids) AND text_purged_at IS NULL
        """);

    // The reminders, clarifications and STOP confirmations sent or given up (a clarification's row holds the subject of the
    // patient's reply). The check-ins themselves stay with the scores: they are the follow-up's structure.
    internal static readonly Kind SentEmails = new("SentEmails", "records of reminders, clarifications and STOP confirmations", $"""
        SELECT rm.id, COALESCE(rm.sent_at, rm.due_at) AS at
        FROM reminders rm JOIN check_ins ci ON ci.id = rm.check_in_id
        WHERE rm.status IN ('sent', 'failed', 'cancelled') AND COALESCE(rm.sent_at, rm.due_at) < @cutoff AND {OpenAlertFree("ci.course_id")}
        """, """
        DELETE FROM reminders WHERE id = ANY(@ids)
        """);

    // Counted from the course's last sign of life: its end, its last check-in sent, its last reply. A course still sending
    // (planned or claimed check-ins) is not over.
    internal static readonly Kind Scores = new("Scores", "courses' scores (pain, PHQ-2, mood) and closed alerts", $"""
        SELECT c.id, l.at
        FROM courses c
        CROSS JOIN LATERAL (SELECT GREATEST(c.ended_on::timestamp AT TIME ZONE 'UTC',
            (SELECT max(ci.sent_at) FROM check_ins ci WHERE ci.course_id = c.id),
            (SELECT max(r.received_at) FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id WHERE ci.course_id = c.id)) AS at) l
        WHERE c.scores_purged_at IS NULL AND l.at < @cutoff AND {OpenAlertFree("c.id")}
          AND NOT EXISTS (SELECT 1 FROM check_ins ci WHERE ci.course_id = c.id AND ci.status IN ('planned', 'sending'))
        """, """
        WITH locked AS (SELECT id FROM courses WHERE id = ANY(@ids) AND scores_purged_at IS NULL FOR UPDATE),
        archived AS (
            INSERT INTO outcome_archive (ended_month, therapist_id, schedule_id, pain_at_start, pain_at_end, follow_ups, archived_at)
            SELECT date_trunc('month', c.ended_on)::date, c.therapist_id, c.schedule_id, c.pain_at_start, c.pain_at_end,
                COALESCE((SELECT jsonb_agg(jsonb_build_object('offset_days', ci.offset_days, 'sent', ci.sent_at IS NOT NULL, 'answered', r.id IS NOT NULL,
                        'pain', r.pain, 'phq2', CASE WHEN r.phq2_a IS NOT NULL AND r.phq2_b IS NOT NULL THEN r.phq2_a + r.phq2_b END, 'mood', r.mood_score)
                        ORDER BY ci.offset_days)
                    FROM check_ins ci
                    LEFT JOIN LATERAL (SELECT id, pain, phq2_a, phq2_b, mood_score FROM replies WHERE check_in_id = ci.id
                                       ORDER BY received_at DESC, id DESC LIMIT 1) r ON true
                    WHERE ci.course_id = c.id AND ci.confirms_check_in_id IS NULL), '[]'::jsonb),
                @now
            FROM courses c JOIN locked USING (id)
            WHERE c.status <> 'withdrawn'),
        replies_gone AS (
            DELETE FROM replies r USING check_ins ci, locked WHERE ci.id = r.check_in_id AND ci.course_id = locked.id),
        alerts_gone AS (
            DELETE FROM alerts a USING locked WHERE a.course_id = locked.id AND a.status <> 'open'),
        check_ins_cleared AS (
            UPDATE check_ins ci SET failure = NULL, awaiting = NULL FROM locked WHERE ci.course_id = locked.id)
        UPDATE courses c SET pain_at_start = NULL, pain_at_end = NULL, scores_purged_at = @now FROM locked WHERE c.id = locked.id
        """);

    // The rows stay (append-only); their details go. Rows already redacted have nothing left to forget; the redactions'
    // and retention's own rows hold counts that identify nobody, and say what happened.
    internal static readonly Kind AuditDetails = new("AuditDetails", "details of audit rows (the rows stay)", $"""
        SELECT a.id, a.at
        FROM audit_log a
        WHERE a.at < @cutoff AND a.redacted_at IS NULL AND a.kind NOT IN ('audit.redacted', 'retention.removed') AND a.detail <> jsonb_build_object()
          AND (a.course_id IS NULL OR {OpenAlertFree("a.course_id")})
        """, "");

    // An uploaded export holds every patient's name and address in it. Once stored its courses are in their own rows and
    // the file is only its report's source; one never stored (checked and left, failed, or its node gone) waits for an
    // admin to store it, restart it or forget it. The row goes whole: its report says nothing the courses do not.
    internal static readonly Kind FinishedImports = new("FinishedImports", "uploaded CSV exports whose import was stored", """
        SELECT u.id, u.updated_at AS at FROM course_import_uploads u WHERE u.status = 'stored' AND u.updated_at < @cutoff
        """, """
        DELETE FROM course_import_uploads WHERE id = ANY(@ids) AND status = 'stored'
        """);

    internal static readonly Kind UnfinishedImports = new("UnfinishedImports", "uploaded CSV exports never stored (checked and left, failed, stalled)", """
        SELECT u.id, u.updated_at AS at FROM course_import_uploads u WHERE u.status <> 'stored' AND u.updated_at < @cutoff
        """, """
        DELETE FROM course_import_uploads WHERE id = ANY(@ids) AND status <> 'stored' AND updated_at < @cutoff
        """);

    internal static readonly Kind[] All = [RawEmails, ReplyText, SentEmails, AuditDetails, Scores, FinishedImports, UnfinishedImports];

    /// <summary>The period of a kind, by its setting's name.</summary>
    internal static TimeSpan PeriodOf(this RetentionOptions options, Kind kind) => options.Periods().Single(p => p.Kind == kind.Name).Period;
}
