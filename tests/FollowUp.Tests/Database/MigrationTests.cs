using Dapper;
using FollowUp.Database;
using FollowUp.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FollowUp.Tests.Database;

public class MigrationTests
{
    [Fact]
    public async Task Two_instances_migrating_at_once_apply_each_script_exactly_once()
    {
        var connectionString = await TestDatabase.CreateEmptyAsync();
        var options = TestDatabase.Options(connectionString);

        var applied = await Task.WhenAll(
            Migrations.ApplyAsync(options, NullLogger.Instance, default),
            Migrations.ApplyAsync(options, NullLogger.Instance, default));

        var scripts = Directory.GetFiles(options.MigrationsPath!, "V*.sql").Length;
        Assert.Equal(scripts, applied.Sum());
        await using var connection = new NpgsqlConnection(connectionString);
        var versions = (await connection.QueryAsync<string>("SELECT version FROM changelog WHERE type = 0 AND success")).ToList();
        Assert.Equal(scripts, versions.Count);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(0, await Migrations.ApplyAsync(options, NullLogger.Instance, default));
    }

    [Fact]
    public async Task The_schema_holds_the_clinic_tables_and_quartzs_own()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(connectionString);

        var tables = (await connection.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).ToHashSet();

        Assert.Superset(new HashSet<string> { "courses", "check_ins", "replies", "inbound_messages", "alerts", "qrtz_triggers", "qrtz_locks", "qrtz_scheduler_state" }, tables);
    }

    [Fact]
    public async Task A_pain_score_outside_0_to_10_cannot_be_stored_even_by_hand()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(connectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("""
            WITH t AS (INSERT INTO therapists (email, created_at) VALUES ('t@x.test', now()) RETURNING id),
                 p AS (INSERT INTO patients (name, email, time_zone, created_at) VALUES ('p', 'p@x.test', 'UTC', now()) RETURNING id)
            INSERT INTO courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, enrolled_at)
            SELECT p.id, t.id, '2026-01-01', '2026-02-01', 11, now() FROM p, t
            """));
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }
}
