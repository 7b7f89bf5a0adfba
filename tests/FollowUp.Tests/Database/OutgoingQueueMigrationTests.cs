using Dapper;
using FollowUp.CheckIns;
using FollowUp.Database;
using FollowUp.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FollowUp.Tests.Database;

/// <summary>The migration to one queue of patient emails carries the existing rows over.</summary>
public class OutgoingQueueMigrationTests
{
    [Fact]
    public async Task A_check_in_asked_for_clarification_before_the_queue_existed_is_never_asked_again()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync();
        var full = TestDatabase.Options(connectionString);
        var before = Path.Combine(Path.GetTempPath(), $"followup-migrations-{Guid.NewGuid():N}");
        Directory.CreateDirectory(before);
        try
        {
            foreach (var script in Directory.GetFiles(full.MigrationsPath!, "V*.sql").Where(f => Version(f) < 10))
                File.Copy(script, Path.Combine(before, Path.GetFileName(script)));
            await Migrations.ApplyAsync(new DatabaseOptions { ConnectionString = connectionString, MigrationsPath = before }, NullLogger.Instance, default);
            await using var connection = new NpgsqlConnection(connectionString);
            var checkInId = await connection.ExecuteScalarAsync<long>("""
                WITH t AS (INSERT INTO therapists (email, created_at) VALUES ('t@x.test', now()) RETURNING id),
                     p AS (INSERT INTO patients (name, email, time_zone, created_at) VALUES ('p', 'p@x.test', 'UTC', now()) RETURNING id),
                     c AS (INSERT INTO courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, enrolled_at)
                           SELECT p.id, t.id, '2026-01-01', '2026-02-01', 7, now() FROM p, t RETURNING id)
                INSERT INTO check_ins (course_id, sequence, offset_days, due_at, status, sent_at, message_id, clarification_sent_at)
                SELECT c.id, 1, 7, '2026-02-08 10:00Z', 'sent', '2026-02-08 10:00Z', 'checkin.x@clinic.test', '2026-02-08 12:00Z' FROM c
                RETURNING id
                """);

            await Migrations.ApplyAsync(full, NullLogger.Instance, default);

            var carried = await connection.QuerySingleAsync<(string Kind, short Number, string Status, DateTime SentAt)>(
                "SELECT kind, number, status, sent_at FROM reminders WHERE check_in_id = @checkInId", new { checkInId });
            Assert.Equal(("clarification", (short)0, "sent", new DateTime(2026, 2, 8, 12, 0, 0, DateTimeKind.Utc)), carried);
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            Assert.Null(await CheckInStates.QueueClarificationAsync(connection, transaction, checkInId, "Re: check-in", null, new DateTimeOffset(2026, 2, 9, 9, 0, 0, TimeSpan.Zero), default));
        }
        finally
        {
            Directory.Delete(before, recursive: true);
        }
    }

    // The migrations before the outgoing queue (V10), whatever came after it.
    private static int Version(string script) =>
        int.Parse(Path.GetFileName(script)[1..Path.GetFileName(script).IndexOf("__", StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
}
