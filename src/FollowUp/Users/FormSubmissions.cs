using Dapper;
using Npgsql;

namespace FollowUp.Users;

/// <summary>What became of a form's first submission, when the same form comes again.</summary>
public sealed record EarlierSubmission(DateTime SubmittedAt, string? Outcome);

/// <summary>
/// Each form of the web face's admin pages carries a key of its own (a hidden field). The key is claimed before the
/// change is made, in PostgreSQL so that every web node sees it: the same form posted twice changes the clinic's data
/// once, and the second post is told what the first did.
/// </summary>
public sealed class FormSubmissions(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Null when this is the key's first submission (now claimed for <paramref name="user"/>); else what the first did.</summary>
    public async Task<EarlierSubmission?> ClaimAsync(Guid key, User user, string form, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO form_submissions (key, user_id, form, submitted_at) VALUES (@key, @userId, @form, @at)
            ON CONFLICT (key) DO NOTHING
            """, new { key, userId = user.Id, form, at = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        if (claimed == 1) return null;
        return await connection.QuerySingleAsync<EarlierSubmission>(new CommandDefinition(
            "SELECT submitted_at, outcome FROM form_submissions WHERE key = @key", new { key }, cancellationToken: cancellationToken));
    }

    /// <summary>What the first submission did, in the words shown to the admin then (shown again to a second submission).</summary>
    public async Task RecordAsync(Guid key, string outcome, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE form_submissions SET outcome = @outcome WHERE key = @key",
            new { key, outcome }, cancellationToken: cancellationToken));
    }

    /// <summary>What the submission of <paramref name="key"/> by <paramref name="user"/> did, for the page shown after it (null for another user's key).</summary>
    public async Task<string?> OutcomeAsync(Guid key, User user, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT outcome FROM form_submissions WHERE key = @key AND user_id = @userId", new { key, userId = user.Id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Gives the key back when the change was refused (bad input, nothing stored): the admin corrects the form and sends
    /// it again, and that is a first submission.
    /// </summary>
    public async Task ReleaseAsync(Guid key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM form_submissions WHERE key = @key AND outcome IS NULL",
            new { key }, cancellationToken: cancellationToken));
    }
}
