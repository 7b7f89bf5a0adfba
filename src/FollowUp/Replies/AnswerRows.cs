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
/// its readings. Answers to different courses are stored together: their replies, audit rows, check-in and patient
/// states and the readings of each course in one round trip, each statement after the ones of the answers before it.
/// </summary>
internal static class AnswerRows
{
    /// <summary>Stores <paramref name="answers"/> (each of another course) in order; returns what each left unread, and whether any reply to its check-in mentions self-harm.</summary>
    public static async Task<List<(string[] Unread, bool Crisis)>> StoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Assessment assessment,
        IReadOnlyList<AnswerToStore> answers, DateTime now, CancellationToken cancellationToken)
    {
        var results = new List<(string[] Unread, bool Crisis)>();
        if (answers.Count == 0) return results;
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var answer in answers)
        {
            var (commands, unread, crisis) = Commands(answer, now);
            foreach (var command in commands) batch.BatchCommands.Add(command);
            results.Add((unread, crisis));
        }
        var loaded = new List<(Assessment.CourseScores, List<PainReading>)>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            for (var i = 0; i < answers.Count; i++) loaded.Add(await Assessment.ReadAsync(reader, cancellationToken));
        // On what was read, complete or not: a PHQ-2 or a mood alone can raise an alert.
        for (var i = 0; i < answers.Count; i++)
            await assessment.AssessAsync(connection, transaction, answers[i].CheckIn.CourseId, loaded[i], cancellationToken);
        return results;
    }

    private static (IEnumerable<NpgsqlBatchCommand> Commands, string[] Unread, bool Crisis) Commands(AnswerToStore store, DateTime now)
    {
        var (checkIn, inboundId, answer, before, asksPhq2, ownText, actor) = store;
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
        (string, NpgsqlDbType, object?)[] parameters =
        [
            ("id", NpgsqlDbType.Bigint, before?.Id),
            ("checkInId", NpgsqlDbType.Bigint, checkIn.Id),
            ("inboundId", NpgsqlDbType.Bigint, inboundId),
            ("now", NpgsqlDbType.TimestampTz, now),
            ("pain", NpgsqlDbType.Smallint, (short?)merged.Pain),
            ("mood", NpgsqlDbType.Smallint, (short?)merged.MoodScore),
            ("moodWord", NpgsqlDbType.Text, merged.MoodWord),
            ("phqA", NpgsqlDbType.Smallint, (short?)merged.Phq2A),
            ("phqB", NpgsqlDbType.Smallint, (short?)merged.Phq2B),
            ("status", NpgsqlDbType.Text, status),
            ("crisis", NpgsqlDbType.Boolean, crisis),
            ("crisisTerms", NpgsqlDbType.Text, crisisTerms.Length == 0 ? null : crisisTerms),
            ("text", NpgsqlDbType.Text, text),
            ("courseId", NpgsqlDbType.Bigint, checkIn.CourseId),
            ("patientId", NpgsqlDbType.Bigint, checkIn.PatientId),
            ("actor", NpgsqlDbType.Text, actor),
            ("audit", NpgsqlDbType.Text, audit),
            ("awaiting", NpgsqlDbType.Array | NpgsqlDbType.Text, unread),
        ];
        // The reply, its audit row, the check-in's and patient's state and the course's readings for the assessment.
        var sql = (before is null ? InsertReply : UpdateReply) + ";\n" + (unread.Length == 0 ? CheckInChanges.MarkAnswered : CheckInChanges.AwaitMissing)
                  + ";\n" + Assessment.CourseAndReadings;
        return (InboundRows.Commands(sql, parameters), unread, crisis);
    }

    private const string InsertReply = $"""
        WITH reply AS (
            INSERT INTO replies (check_in_id, inbound_message_id, received_at, pain, mood_score, mood_word, answer_text,
                                 phq2_a, phq2_b, answer_status, crisis_flag, crisis_terms)
            VALUES (@checkInId, @inboundId, @now, @pain, @mood, @moodWord, @text, @phqA, @phqB, @status, @crisis, @crisisTerms)
            RETURNING id)
        {AuditTrail.InsertInto}
        SELECT @now, @actor, 'reply.stored', @courseId, @patientId, reply.id, @audit::jsonb FROM reply
        """;

    private const string UpdateReply = $"""
        UPDATE replies SET inbound_message_id = @inboundId, updated_at = @now, pain = @pain, mood_score = @mood, mood_word = @moodWord,
                           phq2_a = @phqA, phq2_b = @phqB, answer_status = @status, crisis_flag = @crisis, crisis_terms = @crisisTerms,
                           answer_text = @text
        WHERE id = @id;
        {AuditTrail.InsertInto}
        VALUES (@now, @actor, 'reply.updated', @courseId, @patientId, @id, @audit::jsonb)
        """;
}
