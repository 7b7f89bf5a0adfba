using Dapper;
using FollowUp.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Benchmarks;

/// <summary>
/// Assessment: every course re-assessed after a rule change (Reassessment, the code behind
/// <c>followup-admin alert reassess</c>) over N stored replies (N/6 courses, six answered check-ins each), against
/// the physical limit in the same run: a bare unbuffered SELECT streaming the same reply rows with their check-in and
/// course columns, every column read, nothing computed. The replies are seeded with SQL (untimed), with trajectories
/// that make a few percent of the courses alert; the alerts of the rules before the change are raised (untimed)
/// before the timed run with the new rules.
/// </summary>
internal static class AssessmentBenchmark
{
    public sealed record Result(int Replies, int Courses, double SeedSeconds, double ReassessSeconds, ReassessmentSummary Summary,
        double AgainSeconds, ReassessmentSummary Again, double BareSeconds, long BareRows);

    // Before the change: PHQ-2 alerts only at 5 and "high" only when back at the baseline itself.
    private static AlertOptions OldRules() => new() { Phq2Cutoff = 5, NearBaselineMargin = 0 };

    public static async Task<Result> RunAsync(BenchServers servers, string template, int replies)
    {
        var courses = (replies + 5) / 6;
        var connectionString = await BenchDatabase.CloneAsync(servers, template);
        try
        {
            await using var provider = DispatchBenchmark.Services(servers, connectionString, BenchServers.UniqueDomain("assess"), TimeProvider.System);
            return await MeasureAsync(provider, courses);
        }
        finally
        {
            await Scratch.DropAsync(servers, connectionString);
        }
    }

    private static async Task<Result> MeasureAsync(ServiceProvider provider, int courses)
    {
        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();
        var seedSeconds = await Timing.SecondsAsync(() => SeedAsync(dataSource, courses));

        await Reassess(dataSource, OldRules()).RunAsync(dryRun: false, CancellationToken.None);
        ReassessmentSummary summary = null!, again = null!;
        var seconds = await Timing.SecondsAsync(async () => summary = await Reassess(dataSource, new AlertOptions()).RunAsync(dryRun: false, CancellationToken.None));
        if (summary.Readings != courses * 6) throw new InvalidOperationException($"re-assessed {summary.Readings} readings, expected {courses * 6}");
        var againSeconds = await Timing.SecondsAsync(async () => again = await Reassess(dataSource, new AlertOptions()).RunAsync(dryRun: false, CancellationToken.None));
        if (again.Raised + again.Updated != 0) throw new InvalidOperationException($"a second re-assessment raised {again.Raised} and updated {again.Updated}");

        long rows = 0;
        var bareSeconds = await Timing.SecondsAsync(async () => rows = await StreamAsync(dataSource));
        if (rows != courses * 6L) throw new InvalidOperationException($"the bare SELECT streamed {rows} rows, expected {courses * 6L}");
        return new Result(courses * 6, courses, seedSeconds, seconds, summary, againSeconds, again, bareSeconds, rows);
    }

    private static Reassessment Reassess(NpgsqlDataSource dataSource, AlertOptions rules) =>
        new(dataSource, TimeProvider.System, Options.Create(rules), NullLogger<Reassessment>.Instance);

    /// <summary>The physical limit: the same rows (reply, check-in and course columns) streamed and read, in storage order.</summary>
    private static async Task<long> StreamAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("""
            SELECT ci.course_id, co.patient_id, co.pain_at_start, co.pain_at_end,
                   ci.offset_days, r.pain, r.mood_score, r.mood_word, r.phq2_a, r.phq2_b, r.answer_text, r.crisis_flag
            FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses co ON co.id = ci.course_id
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0, sum = 0;
        while (await reader.ReadAsync())
        {
            sum += reader.GetInt64(0) + reader.GetInt64(1) + reader.GetInt16(2) + (reader.IsDBNull(3) ? 0 : reader.GetInt16(3)) + reader.GetInt32(4)
                   + (reader.IsDBNull(5) ? 0 : reader.GetInt16(5)) + (reader.IsDBNull(6) ? 0 : reader.GetInt16(6)) + (reader.IsDBNull(7) ? 0 : reader.GetString(7).Length)
                   + (reader.IsDBNull(8) ? 0 : reader.GetInt16(8)) + (reader.IsDBNull(9) ? 0 : reader.GetInt16(9)) + reader.GetString(10).Length + (reader.GetBoolean(11) ? 1 : 0);
            rows++;
        }
        return sum > 0 ? rows : 0;
    }

    /// <summary>
    /// Courses that improved (pain at start 5-9, at end 2-4 points lower) answering six check-ins: most stay within a
    /// point of their end score; 3% climb back to their baseline or a point below it (late worsening, high at the end;
    /// a point below is high only under the new near-baseline margin of 1); 1% answer PHQ-2 2+2 (low mood under the new
    /// cut-off of 3, not the old 5); one in a thousand mentions wanting to die.
    /// </summary>
    private static async Task SeedAsync(NpgsqlDataSource dataSource, int courses)
    {
        await using var db = await dataSource.OpenConnectionAsync();
        foreach (var sql in new[]
        {
            "INSERT INTO therapists (email, name, created_at) VALUES ('sam@bench.test', 'Sam Taylor', now())",
            """
            INSERT INTO patients (name, email, time_zone, created_at)
            SELECT 'Patient ' || i, 'p' || i || '@bench.test', 'Europe/London', now() FROM generate_series(1, @courses) i
            """,
            """
            INSERT INTO courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, enrolled_at)
            SELECT p.id, t.id, date '2026-06-01', date '2026-07-06', 5 + p.id % 5, 5 + p.id % 5 - 2 - p.id % 3, now()
            FROM patients p CROSS JOIN therapists t ORDER BY p.id
            """,
            """
            INSERT INTO check_ins (course_id, sequence, offset_days, due_at, status, sent_at)
            SELECT c.id, s.seq, s.off, timestamptz '2026-07-06 10:00Z' + s.off * interval '1 day', 'answered',
                   timestamptz '2026-07-06 10:00Z' + s.off * interval '1 day'
            FROM courses c CROSS JOIN (VALUES (1, 7), (2, 14), (3, 28), (4, 42), (5, 56), (6, 84)) s(seq, off)
            ORDER BY c.id, s.seq
            """,
            """
            INSERT INTO inbound_messages (mailbox, uid_validity, uid, received_at, outcome, raw_headers, folder, check_in_id)
            SELECT 'INBOX', 1, ci.id, ci.sent_at + interval '5 hours', 'answer', '', 'Processed', ci.id FROM check_ins ci ORDER BY ci.id
            """,
            """
            INSERT INTO replies (check_in_id, inbound_message_id, received_at, pain, mood_score, phq2_a, phq2_b, answer_text)
            SELECT x.check_in_id, x.inbound_id, x.received_at, x.pain, x.mood, x.phq_a, x.phq_b,
                   'Pain: ' || x.pain || E'\nMood: ' || x.mood
                   || CASE WHEN x.course_id % 1000 = 999 AND x.sequence = 6 THEN E'\nSome days I just want to die.' ELSE '' END
            FROM (
                SELECT ci.id AS check_in_id, m.id AS inbound_id, m.received_at, ci.course_id, ci.sequence,
                       CASE WHEN ci.course_id % 100 < 3 THEN least(c.pain_at_start - ci.course_id / 100 % 2, c.pain_at_end + ci.sequence)
                            ELSE c.pain_at_end + (ci.course_id + ci.sequence) % 2 END AS pain,
                       5 + (ci.course_id + ci.sequence) % 4 AS mood,
                       CASE WHEN ci.sequence IN (2, 3, 5, 6) THEN CASE WHEN ci.course_id % 100 = 3 THEN 2 ELSE (ci.course_id + ci.sequence) % 2 END END AS phq_a,
                       CASE WHEN ci.sequence IN (2, 3, 5, 6) THEN CASE WHEN ci.course_id % 100 = 3 THEN 2 ELSE (ci.course_id * 3 + ci.sequence) % 2 END END AS phq_b
                FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN inbound_messages m ON m.check_in_id = ci.id
                ORDER BY ci.id
            ) x
            """,
        })
            await db.ExecuteAsync(new CommandDefinition(sql, new { courses }, commandTimeout: 600, cancellationToken: CancellationToken.None));
        // As after any bulk load (and as autovacuum would soon do): hint bits set, statistics fresh.
        await db.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE", commandTimeout: 600, cancellationToken: CancellationToken.None));
    }
}
