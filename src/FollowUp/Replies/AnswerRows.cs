using System.Text.Json;
using FollowUp.Alerts;
using FollowUp.Audit;
using Npgsql;
using NpgsqlTypes;
using static FollowUp.Replies.InboundRows;

namespace FollowUp.Replies;

/// <summary>An answer to store: the check-in it answers, its inbound record, what it read, and the reply it updates (if the check-in has one).</summary>
internal sealed record AnswerToStore(CheckInRef CheckIn, long InboundId, Answer Answer, StoredReply? Before, bool AsksPhq2, string OwnText, string Actor);

/// <summary>
/// One reply row per check-in. A second reply updates it: what it gives replaces, what it leaves out stays, a
/// self-harm flag is never cleared; the change is audited with before and after. The check-in is answered once every
/// question it asked was read; until then it stays open and names what it waits for. Then the course is assessed on
/// its readings. Answers to different courses are stored together, set-based: all their replies with their audit rows
/// in one statement, the check-ins' and patients' states in one statement per kind of change, and the readings of all
/// their courses in one query, in one round trip however many answers there are.
/// </summary>
internal static class AnswerRows
{
    /// <summary>Stores <paramref name="answers"/> (each of another course); returns what each left unread, and whether any reply to its check-in mentions self-harm.</summary>
    public static async Task<List<(string[] Unread, bool Crisis)>> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Assessment assessment,
        IReadOnlyList<AnswerToStore> answers, DateTime now, CancellationToken cancellationToken)
    {
        if (answers.Count == 0) return [];
        var rows = answers.Select(a => Row(a)).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(RepliesCommand(rows, now));
        var answered = rows.Where(r => r.Unread.Length == 0).ToList();
        var waiting = rows.Where(r => r.Unread.Length > 0).ToList();
        if (answered.Count > 0)
            foreach (var command in CheckInChanges.MarkAnsweredCommands(answered.ConvertAll(r => r.Store.CheckIn.Id), answered.ConvertAll(r => r.Store.CheckIn.PatientId)))
                batch.BatchCommands.Add(command);
        if (waiting.Count > 0)
            foreach (var command in CheckInChanges.AwaitMissingCommands(waiting.ConvertAll(r => (r.Store.CheckIn.Id, r.Unread))))
                batch.BatchCommands.Add(command);
        var courses = answers.Select(a => a.CheckIn.CourseId).ToArray();
        foreach (var command in Assessment.CoursesAndReadingsCommands(courses)) batch.BatchCommands.Add(command);
        Dictionary<long, (Assessment.CourseScores, List<PainReading>)> loaded;
        // The replies' and the states' statements return no rows: the reader's results are the courses' and readings'.
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            loaded = await Assessment.ReadManyAsync(reader, cancellationToken);
        // On what was read, complete or not: a PHQ-2 or a mood alone can raise an alert.
        foreach (var answer in answers)
            await assessment.AssessAsync(connection, transaction, answer.CheckIn.CourseId, loaded[answer.CheckIn.CourseId], cancellationToken);
        return rows.ConvertAll(r => (r.Unread, r.Crisis));
    }

    /// <summary>One answer's reply row as it is stored: merged with the one it updates, its audit detail, what it left unread.</summary>
    private sealed record ReplyRow(AnswerToStore Store, Answer Merged, string Status, bool Crisis, string? CrisisTerms, string Text, string[] Unread, string Audit);

    private static ReplyRow Row(AnswerToStore store)
    {
        var (checkIn, inboundId, answer, before, asksPhq2, ownText, _) = store;
        var merged = before is null ? answer : answer with
        {
            Pain = answer.Pain ?? before.Pain,
            MoodScore = answer.MoodScore ?? (answer.MoodWord is null ? before.MoodScore : null),
            MoodWord = answer.MoodWord ?? (answer.MoodScore is null ? before.MoodWord : null),
            Phq2A = answer.Phq2A ?? before.Phq2A,
            Phq2B = answer.Phq2B ?? before.Phq2B,
        };
        var crisis = answer.Crisis || before?.CrisisFlag == true;
        var crisisTerms = string.Join(", ", (before?.CrisisTerms?.Split(", ", StringSplitOptions.RemoveEmptyEntries) ?? []).Concat(answer.CrisisTerms).Distinct(StringComparer.Ordinal));
        var status = AnswerNames.Of(merged.Status);
        var text = StoredText.Cut(ownText, 8000);
        var unread = merged.Unread(asksPhq2);
        var audit = before is null
            ? JsonSerializer.Serialize(new { checkInId = checkIn.Id, inboundId, merged.Pain, merged.MoodScore, merged.MoodWord, merged.Phq2A, merged.Phq2B, status, crisis, unread })
            : JsonSerializer.Serialize(new
            {
                checkInId = checkIn.Id,
                inboundId,
                before = new { before.Pain, before.MoodScore, before.MoodWord, before.Phq2A, before.Phq2B, status = before.AnswerStatus, crisis = before.CrisisFlag, text = before.AnswerText },
                after = new { merged.Pain, merged.MoodScore, merged.MoodWord, merged.Phq2A, merged.Phq2B, status, crisis, text },
                unread,
            });
        return new ReplyRow(store, merged, status, crisis, crisisTerms.Length == 0 ? null : crisisTerms, text, unread, audit);
    }

    private static NpgsqlBatchCommand RepliesCommand(List<ReplyRow> rows, DateTime now)
    {
        (string, NpgsqlDbType, object?) Column<T>(string name, NpgsqlDbType type, Func<ReplyRow, T> value) =>
            (name, NpgsqlDbType.Array | type, rows.Select(value).ToArray());
        return InboundRows.Command(StoreReplies,
            ("now", NpgsqlDbType.TimestampTz, now),
            ("ords", NpgsqlDbType.Array | NpgsqlDbType.Integer, Enumerable.Range(0, rows.Count).ToArray()),
            Column("ids", NpgsqlDbType.Bigint, r => r.Store.Before?.Id),
            Column("checkInIds", NpgsqlDbType.Bigint, r => r.Store.CheckIn.Id),
            Column("inboundIds", NpgsqlDbType.Bigint, r => r.Store.InboundId),
            Column("pains", NpgsqlDbType.Smallint, r => (short?)r.Merged.Pain),
            Column("moods", NpgsqlDbType.Smallint, r => (short?)r.Merged.MoodScore),
            Column("moodWords", NpgsqlDbType.Text, r => r.Merged.MoodWord),
            Column("phqAs", NpgsqlDbType.Smallint, r => (short?)r.Merged.Phq2A),
            Column("phqBs", NpgsqlDbType.Smallint, r => (short?)r.Merged.Phq2B),
            Column("statuses", NpgsqlDbType.Text, r => r.Status),
            Column("crises", NpgsqlDbType.Boolean, r => r.Crisis),
            Column("crisisTerms", NpgsqlDbType.Text, r => r.CrisisTerms),
            Column("texts", NpgsqlDbType.Text, r => r.Text),
            Column("courseIds", NpgsqlDbType.Bigint, r => r.Store.CheckIn.CourseId),
            Column("patientIds", NpgsqlDbType.Bigint, r => r.Store.CheckIn.PatientId),
            Column("actors", NpgsqlDbType.Text, r => r.Store.Actor),
            Column("audits", NpgsqlDbType.Text, r => r.Audit));
    }

    // Every reply of the run in one statement: a first reply to its check-in inserted, a later one updating the row it
    // read (@ids), each with its audit row, in the run's order.
    private static readonly string StoreReplies = $"""
        WITH input AS (
            SELECT * FROM unnest(@ords, @ids, @checkInIds, @inboundIds, @pains, @moods, @moodWords, @phqAs, @phqBs, @statuses, @crises, @crisisTerms,
                                 @texts, @courseIds, @patientIds, @actors, @audits)
                AS t (ord, id, check_in_id, inbound_id, pain, mood_score, mood_word, phq2_a, phq2_b, answer_status, crisis_flag, crisis_terms,
                      answer_text, course_id, patient_id, actor, audit)),
        inserted AS (
            INSERT INTO replies (check_in_id, inbound_message_id, received_at, pain, mood_score, mood_word, answer_text,
                                 phq2_a, phq2_b, answer_status, crisis_flag, crisis_terms)
            SELECT check_in_id, inbound_id, @now, pain, mood_score, mood_word, answer_text, phq2_a, phq2_b, answer_status, crisis_flag, crisis_terms
            FROM input WHERE id IS NULL ORDER BY ord
            RETURNING id, check_in_id),
        updated AS (
            UPDATE replies r SET inbound_message_id = i.inbound_id, updated_at = @now, pain = i.pain, mood_score = i.mood_score, mood_word = i.mood_word,
                                 phq2_a = i.phq2_a, phq2_b = i.phq2_b, answer_status = i.answer_status, crisis_flag = i.crisis_flag,
                                 crisis_terms = i.crisis_terms, answer_text = i.answer_text
            FROM input i WHERE i.id IS NOT NULL AND r.id = i.id
            RETURNING r.id)
        {AuditTrail.InsertEach(ReplyAudit)}
        """;

    private const string ReplyAudit = """
        SELECT @now, i.actor, CASE WHEN i.id IS NULL THEN 'reply.stored' ELSE 'reply.updated' END, i.course_id, i.patient_id, COALESCE(i.id, ins.id), i.audit::jsonb
        FROM input i LEFT JOIN inserted ins ON i.id IS NULL AND ins.check_in_id = i.check_in_id
        ORDER BY i.ord
        """;
}
