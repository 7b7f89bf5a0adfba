using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Alerts;

/// <summary>
/// An unanswered confirming check-in never swallows an alert: once it has expired, the finding it was to confirm is
/// raised, saying it is unconfirmed. Each confirming check-in is closed in the same transaction, so this happens once.
/// </summary>
internal sealed class ConfirmationExpiry(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<AlertOptions> options, ILogger<Assessment> logger)
{
    public async Task<int> RaiseExpiredAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var raised = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var expired = await connection.QuerySingleOrDefaultAsync<Expired>(new CommandDefinition(ClaimExpired, new { now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
            if (expired is null) break;
            var (course, readings) = await Assessment.LoadAsync(connection, transaction, expired.CourseId, cancellationToken);
            // Whatever the patient answered since (a later scheduled check-in) is in the readings: the rule decides on them.
            if (LateWorseningRule.Evaluate(course.PainAtStart, course.PainAtEnd, readings, options.Value) is { } finding)
            {
                await Assessment.RaiseAsync(connection, transaction, expired.CourseId, course.PatientId, Confirmation.Unconfirmed(finding), now, logger, cancellationToken);
                raised++;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return raised;
    }

    private sealed class Expired
    {
        public long Id { get; init; }
        public long CourseId { get; init; }
    }

    // Expired and not answered, of a course still followed up. Claimed by closing it: one node raises it, once.
    private const string ClaimExpired = """
        UPDATE check_ins ci SET confirmation_closed_at = @now
        WHERE ci.id = (
            SELECT x.id FROM check_ins x JOIN courses c ON c.id = x.course_id
            WHERE x.confirms_check_in_id IS NOT NULL AND x.confirmation_closed_at IS NULL AND x.expires_at <= @now
              AND x.status <> 'answered' AND c.status <> 'withdrawn'
            ORDER BY x.expires_at LIMIT 1
            FOR UPDATE OF x SKIP LOCKED)
        RETURNING ci.id, ci.course_id
        """;
}
