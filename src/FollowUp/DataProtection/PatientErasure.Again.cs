using System.Globalization;
using Dapper;
using Npgsql;

namespace FollowUp.DataProtection;

/// <summary>
/// The same erasure asked for again: audited as such, and mail that came from the erased address since (kept as a
/// stranger's, tied to no check-in, recognised by the keyed hash of its sender) goes now, from the mailbox and the
/// database, under the same rule: an open alert about it (a crisis alert to the clinic lead) waits unless forced.
/// </summary>
internal sealed partial class PatientErasure
{
    private async Task<ErasureReport> AgainAsync(NpgsqlConnection connection, KnownErasure known, DateTime erasedAt, bool force, string actor,
        CancellationToken cancellationToken)
    {
        var keys = options.Value;
        var addresses = await ErasureRecords.MailFromAsync(connection, null, known.AddressHash, keys, cancellationToken);
        var since = await PatientRows.OfMailFromAsync(connection, null, addresses, cancellationToken);
        var open = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM alerts WHERE id = ANY(@ids) AND status = 'open' ORDER BY id", new { ids = since.Alerts }, cancellationToken: cancellationToken))).ToList();
        if (open.Count > 0 && !force)
            throw new PatientRequestException(string.Create(CultureInfo.InvariantCulture,
                $"already erased on {erasedAt:yyyy-MM-dd} (erasure {known.Id}); {since.Inbound.Length} message(s) came from the address since, with {open.Count} open alert(s) ({string.Join(", ", open)}): someone should see them first ('alert ack'); remove them anyway with --force"));
        // The mailbox first: interrupted after it, the rows are still there and the next request finds them again.
        var removed = await mailbox.DeleteAsync(since.MessageIds, cancellationToken);
        var now = clock.GetUtcNow();
        object? counts = null;
        Dictionary<string, int> closed;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var rows = await PatientRows.OfMailFromAsync(connection, transaction, addresses, cancellationToken);
            closed = await CloseOpenAlertsAsync(connection, transaction, known.Id, rows.Alerts, cancellationToken);
            if (rows.Inbound.Length > 0)
            {
                counts = rows.Counts();
                await AuditRedaction.RedactAsync(connection, transaction, rows.Audit, Reason, unlink: true, actor, now, cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(Delete, new
                {
                    patientId = 0L, rows.Courses, rows.CheckIns, rows.Reminders, rows.Replies, rows.Inbound, rows.Alerts, rows.Consents,
                }, transaction, cancellationToken: cancellationToken));
            }
            // Recognised by the keyed hash, so the trail says the request came again without saying whose it was.
            await Audit.AuditTrail.WriteAsync(connection, transaction, now, actor, "patient.erasure_repeated", null, null, known.Id, new
            {
                erasure_id = known.Id,
                erased_on = DateOnly.FromDateTime(erasedAt),
                forced = force,
                messages_since = rows.Inbound.Length,
                rows = counts,
                closed_open_alerts = closed,
            }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return new ErasureReport(known.Id, AlreadyErased: true, erasedAt, removed, counts)
        {
            ClosedAlerts = closed,
            Notice = await notice.SendPendingAsync(known.Id, actor, cancellationToken) ?? NobodyToTell(closed),
        };
    }
}
