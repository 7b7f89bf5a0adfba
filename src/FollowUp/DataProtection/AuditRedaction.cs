using Npgsql;

namespace FollowUp.DataProtection;

/// <summary>
/// Forgets the details of audit rows without breaking the trail's append-only rule: the rows stay, their details are
/// redacted, and the redaction is itself an audit row. Retention asks for it; the audit trail's owner does it.
/// </summary>
internal interface IAuditRedaction
{
    /// <summary>Redacts the details of <paramref name="auditIds"/> in the caller's transaction; returns how many were redacted.</summary>
    Task<int> RedactAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<long> auditIds, string reason, string actor,
        CancellationToken cancellationToken);
}
