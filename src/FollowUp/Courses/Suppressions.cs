using Dapper;
using FollowUp.Audit;
using Npgsql;

namespace FollowUp.Courses;

/// <summary>
/// A patient no email goes to: their address was refused for good (a 5xx at send time, a hard bounce, too many delays
/// in a row), they marked a check-in as spam (a complaint report from their mailbox provider), or they said STOP. <see cref="Liftable"/> is false for STOP: that is the patient's own word, which no
/// admin may overrule.
/// </summary>
public sealed record Suppression
{
    public long PatientId { get; init; }
    public string Patient { get; init; } = "";
    public string Email { get; init; } = "";
    public DateTime? UndeliverableAt { get; init; }
    public string? UndeliverableReason { get; init; }
    /// <summary>"refused" (by a mail server) or "complaint" (the patient reported a check-in as spam); null when not undeliverable.</summary>
    public string? UndeliverableBecause { get; init; }
    public bool Complained => UndeliverableBecause == "complaint";
    public DateTime? OptedOutAt { get; init; }
    public int ActiveCourses { get; init; }
    /// <summary>When the next planned check-in of an active course is due: what lifting the suppression lets go.</summary>
    public DateTime? NextCheckInAt { get; init; }

    public bool Liftable => UndeliverableAt is not null && OptedOutAt is null;

    /// <summary>Why, in a few words, as the web page and the CLI both say it.</summary>
    public string Why => OptedOutAt is not null ? "said STOP"
        : Complained ? "complaint: reported a check-in as spam"
        : "mail server refused the address";

    /// <summary>Since when.</summary>
    public DateTime? Since => OptedOutAt ?? UndeliverableAt;
}

/// <summary>A suppression that cannot be lifted, with the reason.</summary>
public sealed class SuppressionException(string message) : Exception(message);

/// <summary>The suppressed addresses, and lifting one (audited, before → after), so the next check-in goes out again.</summary>
public sealed class Suppressions(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<IReadOnlyList<Suppression>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Suppression>(new CommandDefinition(List, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// The address takes mail again (the admin fixed it, or the mailbox is back): the delay count starts again at zero.
    /// Check-ins cancelled while it was suppressed stay cancelled; the planned ones go out when due.
    /// </summary>
    public async Task<Suppression> LiftAsync(long patientId, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.QuerySingleOrDefaultAsync<Suppression>(new CommandDefinition(List.Replace("ORDER BY", "AND p.id = @patientId ORDER BY", StringComparison.Ordinal) + " FOR UPDATE OF p",
            new { patientId }, transaction, cancellationToken: cancellationToken))
            ?? throw new SuppressionException($"patient {patientId} is not suppressed (someone may have lifted it already)");
        if (!before.Liftable)
            throw new SuppressionException($"patient {patientId} said STOP: only the patient can ask for emails again, and FollowUp keeps their word");
        await connection.ExecuteAsync(new CommandDefinition(Lift, new { patientId }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, now, actor, "patient.suppression_lifted", null, patientId, patientId, new
        {
            before = new { undeliverable_at = before.UndeliverableAt, because = before.UndeliverableBecause, reason = before.UndeliverableReason },
            after = new { undeliverable_at = (DateTime?)null, because = (string?)null, reason = (string?)null },
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return before;
    }

    private const string List = """
        SELECT p.id AS patient_id, p.name AS patient, p.email, p.undeliverable_at, p.undeliverable_reason, p.undeliverable_because, p.opted_out_at,
               (SELECT count(*) FROM courses c WHERE c.patient_id = p.id AND c.status = 'active')::int AS active_courses,
               (SELECT min(ci.due_at) FROM check_ins ci JOIN courses c ON c.id = ci.course_id
                WHERE c.patient_id = p.id AND c.status = 'active' AND ci.status = 'planned') AS next_check_in_at
        FROM patients p
        WHERE (p.undeliverable_at IS NOT NULL OR p.opted_out_at IS NOT NULL)
        ORDER BY COALESCE(p.undeliverable_at, p.opted_out_at) DESC, p.id
        """;

    private const string Lift = """
        UPDATE patients SET undeliverable_at = NULL, undeliverable_reason = NULL, undeliverable_because = NULL, soft_bounces = 0 WHERE id = @patientId
        """;
}
