using Dapper;
using Npgsql;

namespace FollowUp.Database;

/// <summary>
/// The web nodes' shared Data Protection key ring (table data_protection_keys): every node reads the same keys, so a
/// cookie one node issued is read by the others and survives restarts. Synchronous, as Data Protection's key
/// repository is; it reads the ring rarely (at start and when a key nears expiry).
/// </summary>
public sealed class KeyRing(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public IReadOnlyList<string> All()
    {
        using var connection = dataSource.OpenConnection();
        return connection.Query<string>(new CommandDefinition("SELECT xml FROM data_protection_keys ORDER BY created_at, name")).ToList();
    }

    /// <summary>Stores one key element; a name already stored keeps its first element (keys are immutable once written).</summary>
    public void Store(string name, string xml)
    {
        using var connection = dataSource.OpenConnection();
        connection.Execute(new CommandDefinition("""
            INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING
            """, new { name, xml, at = clock.GetUtcNow().UtcDateTime }));
    }
}
