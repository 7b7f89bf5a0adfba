using System.Data.Common;
using Dapper;

namespace FollowUp.DataProtection;

/// <summary>
/// The one way the append-only audit trail forgets: a row keeps its id, time, actor and kind, its details are replaced
/// by the reason (and the few keys the caller may keep, such as figures that identify nobody), and for an erased patient
/// its links to the patient and course are dropped so those rows can go. Each call appends one audit row that says how
/// many rows it redacted and why. The database refuses any other change to the trail (migration V18's trigger).
/// </summary>
internal static class AuditRedaction
{
    /// <summary>The kind of the audit row each redaction appends.</summary>
    public const string Kind = "audit.redacted";

    /// <summary>
    /// Redacts the audit rows <paramref name="ids"/> in the caller's transaction and appends the redaction's own row;
    /// returns how many rows were redacted (rows already redacted, or the redaction rows themselves, are left alone).
    /// </summary>
    /// <param name="connection">The caller's connection.</param>
    /// <param name="transaction">The caller's transaction: the redaction commits with the change that needs it.</param>
    /// <param name="ids">The audit rows to redact.</param>
    /// <param name="reason">Why, in words that name nobody (e.g. "patient erased on request", "past the retention of audit details").</param>
    /// <param name="unlink">Drop the rows' patient and course ids as well (an erasure, before those rows are deleted).</param>
    /// <param name="actor">Who redacts, for the redaction's own audit row.</param>
    /// <param name="now">The business time of the redaction.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    /// <param name="keep">Top-level keys of the details that identify nobody and stay (e.g. "pain_at_start").</param>
    public static async Task<int> RedactAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> ids, string reason, bool unlink,
        string actor, DateTimeOffset now, CancellationToken cancellationToken, IReadOnlyCollection<string>? keep = null)
    {
        if (ids.Count == 0) return 0;
        await connection.ExecuteAsync(new CommandDefinition(Switch, new { on = "on" }, transaction, cancellationToken: cancellationToken));
        var redacted = await connection.QueryAsync<long>(new CommandDefinition(Redact, new
        {
            ids = ids.ToArray(),
            reason,
            unlink,
            keep = (keep ?? []).ToArray(),
            now = now.UtcDateTime,
            kind = Kind,
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Switch, new { on = "off" }, transaction, cancellationToken: cancellationToken));
        var list = redacted.ToList();
        if (list.Count == 0) return 0;
        await Audit.AuditTrail.WriteAsync(connection, transaction, now, actor, Kind, null, null, null, new
        {
            reason,
            rows = list.Count,
            first_id = list.Min(),
            last_id = list.Max(),
        }, cancellationToken);
        return list.Count;
    }

    // The trigger lets an UPDATE through only while followup.audit_redaction is on in this transaction, and only one that
    // keeps the id, time and kind and marks the row redacted; the setting is switched off again right after.
    private const string Switch = "SELECT set_config('followup.audit_redaction', @on, true)";

    private const string Redact = """
        UPDATE audit_log a
        SET detail = jsonb_build_object('redacted', @reason::text)
                     || COALESCE((SELECT jsonb_object_agg(key, value) FROM jsonb_each(CASE WHEN jsonb_typeof(a.detail) = 'object' THEN a.detail ELSE '{}'::jsonb END)
                                  WHERE key = ANY(@keep)), '{}'::jsonb),
            redacted_at = @now,
            patient_id = CASE WHEN @unlink THEN NULL ELSE a.patient_id END,
            course_id = CASE WHEN @unlink THEN NULL ELSE a.course_id END
        WHERE a.id = ANY(@ids) AND a.kind <> @kind AND (a.redacted_at IS NULL OR (@unlink AND (a.patient_id IS NOT NULL OR a.course_id IS NOT NULL)))
        RETURNING a.id
        """;
}
