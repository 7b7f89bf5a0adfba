using Dapper;
using FollowUp.Audit;
using FollowUp.Mail;
using Npgsql;

namespace FollowUp.Courses;

/// <summary>A therapist as the admin tool lists them.</summary>
public sealed class TherapistRow
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string? Name { get; init; }
    public DateTime CreatedAt { get; init; }
    public int ActiveCourses { get; init; }
}

/// <summary>The clinic's therapists: registered before an import so that every row names someone known.</summary>
public sealed class Therapists(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Adds a therapist, or renames one already known by address; the change is audited (before → after).</summary>
    public async Task<(long Id, bool Added)> AddAsync(string email, string? name, string actor, CancellationToken cancellationToken)
    {
        email = email.Trim();
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (!ClinicOptions.IsAddress(email)) throw new ArgumentException($"'{email}' is not an email address", nameof(email));
        if (name is { Length: > 200 } || name?.Any(char.IsControl) == true) throw new ArgumentException("the name is too long or has control characters", nameof(name));
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.QuerySingleOrDefaultAsync<TherapistRow>(new CommandDefinition(
            "SELECT id, email, name, created_at FROM therapists WHERE lower(email) = lower(@email) FOR UPDATE", new { email }, transaction, cancellationToken: cancellationToken));
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Upsert, new { email, name, at = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, now, actor, before is null ? "therapist.added" : "therapist.changed", null, null, id, new
        {
            before = before is null ? null : new { email = before.Email, name = before.Name },
            after = new { email = before?.Email ?? email, name = name ?? before?.Name },
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (id, before is null);
    }

    public async Task<IReadOnlyList<TherapistRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<TherapistRow>(new CommandDefinition(List, cancellationToken: cancellationToken))).ToList();
    }

    // A therapist is known by address; a later enrolment or `therapist add` may add the name. Enrolment uses it too.
    internal const string Upsert = """
        INSERT INTO therapists (email, name, created_at)
        VALUES (@email, @name, @at)
        ON CONFLICT (lower(email)) DO UPDATE SET name = COALESCE(EXCLUDED.name, therapists.name)
        RETURNING id
        """;

    private const string List = """
        SELECT t.id, t.email, t.name, t.created_at,
               (SELECT count(*) FROM courses c WHERE c.therapist_id = t.id AND c.status = 'active')::int AS active_courses
        FROM therapists t ORDER BY lower(t.email)
        """;
}
