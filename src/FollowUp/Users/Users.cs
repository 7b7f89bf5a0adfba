using Dapper;
using FollowUp.Audit;
using FollowUp.Mail;
using Npgsql;

namespace FollowUp.Users;

/// <summary>The roles of the web face: a therapist sees their own patients, a lead every patient, an admin the configuration too.</summary>
public static class Roles
{
    public const string Therapist = "therapist";
    public const string Lead = "lead";
    public const string Admin = "admin";
    public static readonly IReadOnlyList<string> All = [Therapist, Lead, Admin];
}

/// <summary>A person who may sign in to the web face.</summary>
public sealed record User
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string? Name { get; init; }
    public string Role { get; init; } = "";
    /// <summary>The therapists row whose courses a therapist sees; null for leads and admins without one.</summary>
    public long? TherapistId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? DisabledAt { get; init; }
    /// <summary>Counted up by a sign-out or a disable: a session of an earlier number is over.</summary>
    public int SessionGeneration { get; init; }

    /// <summary>Leads and admins see every course of the clinic; a therapist only those of their own row.</summary>
    public bool SeesEveryCourse => Role is Roles.Lead or Roles.Admin;
}

/// <summary>A change to who may sign in that does not apply, with the reason.</summary>
public sealed class UserException(string message) : Exception(message);

/// <summary>Who may sign in: <c>followup-admin user add|list|disable</c>; every change is audited (before → after).</summary>
public sealed class UserDirectory(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>
    /// Adds a user or changes the role of one known by address. A therapist's login is given to the therapists row of the
    /// same address, which must exist (<c>therapist add</c>), so that they see exactly the courses that name them.
    /// </summary>
    public async Task<(User User, bool Added)> AddAsync(string email, string role, string? name, string actor, CancellationToken cancellationToken)
    {
        email = email.Trim();
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (!ClinicOptions.IsAddress(email)) throw new UserException($"'{email}' is not an email address");
        if (!Roles.All.Contains(role)) throw new UserException($"role '{role}' is not one of {string.Join(", ", Roles.All)}");
        if (name is { Length: > 200 } || name?.Any(char.IsControl) == true) throw new UserException("the name is too long or has control characters");
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var therapistId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM therapists WHERE lower(email) = lower(@email)", new { email }, transaction, cancellationToken: cancellationToken));
        if (role == Roles.Therapist && therapistId is null)
            throw new UserException($"no therapist has the address {email}: add them first with 'followup-admin therapist add --email {email}'");
        var before = await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"{Select} WHERE lower(email) = lower(@email) FOR UPDATE", new { email }, transaction, cancellationToken: cancellationToken));
        var user = await connection.QuerySingleAsync<User>(new CommandDefinition(Upsert, new { email, name, role, therapistId, at = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, now, actor, before is null ? "user.added" : "user.changed", null, null, user.Id, new
        {
            before = before is null ? null : new { email = before.Email, role = before.Role, name = before.Name, disabled = before.DisabledAt is not null },
            after = new { email = user.Email, role = user.Role, name = user.Name, disabled = false },
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (user, before is null);
    }

    /// <summary>Stops a user from signing in; their session ends at their next request (each request reads their row).</summary>
    public async Task<User> DisableAsync(string email, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(Disable, new { email = email.Trim(), at = now.UtcDateTime }, transaction, cancellationToken: cancellationToken))
            ?? throw new UserException($"no user has the address {email.Trim()}");
        await AuditTrail.WriteAsync(connection, transaction, now, actor, "user.disabled", null, null, user.Id, new
        {
            before = new { disabled = false }, after = new { disabled = true },
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return user;
    }

    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<User>(new CommandDefinition($"{Select} ORDER BY lower(email)", cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>The user with this id as they are now, or null when they do not exist or are disabled.</summary>
    public async Task<User?> ActiveAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition($"{Select} WHERE id = @id AND disabled_at IS NULL", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Ends every session the user has open, on every web node and every copy of its cookie (sign-out).</summary>
    public async Task EndSessionsAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE users SET session_generation = session_generation + 1 WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The columns a <see cref="User"/> is read from: one list, so no query forgets one (a session_generation left
    /// out would read as 0 and end every session at once).</summary>
    internal const string Columns = "id, email, name, role, therapist_id, created_at, disabled_at, session_generation";

    private const string Select = $"SELECT {Columns} FROM users";

    // Adding a disabled user again enables them: the admin's latest word counts, and the audit row says so.
    private const string Upsert = $"""
        INSERT INTO users (email, name, role, therapist_id, created_at)
        VALUES (@email, @name, @role, @therapistId, @at)
        ON CONFLICT (lower(email)) DO UPDATE SET role = EXCLUDED.role, name = COALESCE(EXCLUDED.name, users.name),
            therapist_id = EXCLUDED.therapist_id, disabled_at = NULL
        RETURNING {Columns}
        """;

    private const string Disable = $"""
        UPDATE users SET disabled_at = COALESCE(disabled_at, @at), session_generation = session_generation + 1 WHERE lower(email) = lower(@email)
        RETURNING {Columns}
        """;
}
