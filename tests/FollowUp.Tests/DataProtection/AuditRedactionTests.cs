using Dapper;
using FollowUp.DataProtection;
using FollowUp.Tests.Support;
using Npgsql;

namespace FollowUp.Tests.DataProtection;

/// <summary>The audit trail forgets only by redaction: details replaced, the redaction itself a row, nothing else changeable.</summary>
public class AuditRedactionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Redacted_audit_rows_keep_their_time_and_kind_lose_their_details_and_the_redaction_is_itself_audited()
    {
        await using var data = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await using var connection = await data.OpenConnectionAsync();
        var ids = (await connection.QueryAsync<long>("""
            INSERT INTO audit_log (at, actor, kind, detail) VALUES
              ('2026-11-01', 'inbox', 'reply.stored', '{"text": "my back hurts, Wilma Quist", "pain": 6}'),
              ('2026-11-02', 'inbox', 'reply.updated', '{"text": "Wilma Quist again", "pain": 7}'),
              ('2026-11-03', 'admin', 'course.enrolled', '{"after": {"name": "Other Person"}}')
            RETURNING id
            """)).ToList();

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var count = await AuditRedaction.RedactAsync(connection, transaction, [ids[0], ids[1]], "patient erased on request", unlink: true, "dpo", Now,
                CancellationToken.None, keep: ["pain"]);
            await transaction.CommitAsync();
            Assert.Equal(2, count);
        }

        var rows = (await connection.QueryAsync<(string Kind, string Detail, bool Redacted)>(
            "SELECT kind, detail::text, redacted_at IS NOT NULL FROM audit_log ORDER BY id")).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Equal(("reply.stored", """{"pain": 6, "redacted": "patient erased on request"}""", true), rows[0]);
        Assert.Equal(("reply.updated", """{"pain": 7, "redacted": "patient erased on request"}""", true), rows[1]);
        Assert.Contains("Other Person", rows[2].Detail, StringComparison.Ordinal);
        Assert.False(rows[2].Redacted);
        Assert.Equal(AuditRedaction.Kind, rows[3].Kind);
        Assert.Contains("\"rows\": 2", rows[3].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Wilma", string.Concat(rows.Select(r => r.Detail)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_a_redaction_the_audit_trail_still_refuses_every_update_and_delete()
    {
        await using var data = NpgsqlDataSource.Create(await TestDatabase.CreateAsync());
        await using var connection = await data.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<long>("INSERT INTO audit_log (at, actor, kind) VALUES ('2026-11-01', 'inbox', 'reply.stored') RETURNING id");

        var update = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "UPDATE audit_log SET detail = '{}', redacted_at = now() WHERE id = @id", new { id }));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("DELETE FROM audit_log WHERE id = @id", new { id }));
        // Even with the switch on, a redaction may not rewrite a row's kind or time, nor delete it.
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT set_config('followup.audit_redaction', 'on', true)", transaction: transaction);
        var rekind = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "UPDATE audit_log SET kind = 'other', redacted_at = now() WHERE id = @id", new { id }, transaction));

        Assert.Contains("append-only", update.MessageText, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.MessageText, StringComparison.Ordinal);
        Assert.Contains("append-only", rekind.MessageText, StringComparison.Ordinal);
    }
}
