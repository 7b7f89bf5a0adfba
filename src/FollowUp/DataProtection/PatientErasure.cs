using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.DataProtection;

/// <summary>
/// What an erasure did: its record, whether this request found it already done (then <paramref name="Rows"/> and
/// <paramref name="MessagesRemoved"/> are the mail from the erased address since, if any), the open alerts it closed by
/// kind, and the notice about them.
/// </summary>
public sealed record ErasureReport(long ErasureId, bool AlreadyErased, DateTime At, int MessagesRemoved, object? Rows)
{
    public IReadOnlyDictionary<string, int> ClosedAlerts { get; init; } = new Dictionary<string, int>();
    public ErasureNoticeReport? Notice { get; init; }
}

/// <summary>
/// Erases one patient on request: every row <see cref="PatientRows"/> names and every message of theirs in the replies
/// mailbox, the audit rows about them redacted (<see cref="AuditRedaction"/>), and one audit row that says an erasure
/// happened without saying about whom (erasures holds keyed hashes, so a repeated request is recognised).
/// <para>
/// Crash safety: the erasure is recorded first, with the Message-IDs of the patient's mail (A); the mailbox is cleared
/// of them (B); the database rows go in one transaction that adds the Message-IDs of mail read meanwhile (C); the
/// mailbox is cleared again of all of them and the record forgets the patient (D). Interrupted anywhere, the same
/// request again finds the unfinished record (by the patient, or by the hashes once the patient's rows are gone) and
/// finishes it; each step is harmless to repeat.
/// </para>
/// </summary>
internal sealed partial class PatientErasure(NpgsqlDataSource dataSource, PatientMailbox mailbox, ErasureNotice notice, TimeProvider clock,
    IOptions<ErasureOptions> options, IOptions<Alerts.AlertOptions> alertOptions)
{
    public const string Reason = "patient erased on request";

    /// <summary>Erases the patient <paramref name="given"/> names. <paramref name="checkpoint"/> is told each step done (tests interrupt there).</summary>
    public async Task<ErasureReport> EraseAsync(string given, bool force, string actor, CancellationToken cancellationToken, Func<string, Task>? checkpoint = null)
    {
        var keys = options.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long erasureId;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var patient = await PatientLookup.FindAsync(connection, transaction, given, cancellationToken);
            if (patient is null)
            {
                // Gone already: an erasure that finished says when; one interrupted after its database step is finished now.
                var known = await ErasureRecords.FindAsync(connection, transaction, given, keys, cancellationToken)
                    ?? throw new PatientRequestException(string.IsNullOrEmpty(keys.ErasureKey)
                        ? $"there is no patient '{given.Trim()}'"
                        : $"there is no patient '{given.Trim()}' and no erasure of one");
                await transaction.CommitAsync(cancellationToken);
                if (known.CompletedAt is { } done) return await AgainAsync(connection, known, done, force, actor, cancellationToken);
                return await FinishAsync(connection, known.Id, 0, null, new Dictionary<string, int>(), actor, checkpoint, cancellationToken);
            }
            await connection.ExecuteAsync(new CommandDefinition("SELECT 1 FROM patients WHERE id = @id FOR UPDATE", new { id = patient.Id }, transaction, cancellationToken: cancellationToken));
            var rows = await PatientRows.OfAsync(connection, transaction, patient.Id, cancellationToken);
            var open = (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM alerts WHERE id = ANY(@ids) AND status = 'open' ORDER BY id", new { ids = rows.Alerts }, transaction, cancellationToken: cancellationToken))).ToList();
            if (open.Count > 0 && !force)
                throw new PatientRequestException(string.Create(CultureInfo.InvariantCulture,
                    $"patient {patient.Id} has {open.Count} open alert(s) ({string.Join(", ", open)}): a therapist should see them first ('alert ack'); erase anyway with --force"));
            // Nothing more is sent to them while the erasure runs.
            await CheckIns.CheckInStates.CancelForOptOutAsync(connection, transaction, patient.Id, cancellationToken);
            erasureId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Record, new
            {
                addressHash = keys.AddressHash(patient.Email),
                clinicIdHash = keys.ClinicIdHash(patient.ClinicId),
                at = clock.GetUtcNow().UtcDateTime,
                actor,
                patientId = patient.Id,
                messageIds = rows.MessageIds,
            }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
        }
        await Step(checkpoint, "recorded");

        var removed = await mailbox.DeleteAsync(await MessageIdsAsync(connection, erasureId, cancellationToken), cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE erasures SET mailbox_done_at = @at WHERE id = @erasureId",
            new { erasureId, at = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
        await Step(checkpoint, "mailbox");

        object counts;
        Dictionary<string, int> closed;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var patientId = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT patient_id FROM erasures WHERE id = @erasureId", new { erasureId }, transaction, cancellationToken: cancellationToken));
            // The patient's check-ins locked first: a reply to one being recorded right now waits, then finds it gone.
            await connection.ExecuteAsync(new CommandDefinition("""
                SELECT 1 FROM patients WHERE id = @patientId FOR UPDATE;
                SELECT 1 FROM check_ins WHERE course_id IN (SELECT id FROM courses WHERE patient_id = @patientId) FOR UPDATE;
                """, new { patientId }, transaction, cancellationToken: cancellationToken));
            var rows = await PatientRows.OfAsync(connection, transaction, patientId, cancellationToken);
            counts = rows.Counts();
            var now = clock.GetUtcNow();
            closed = await CloseOpenAlertsAsync(connection, transaction, erasureId, rows.Alerts, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE erasures SET message_ids = ARRAY(SELECT DISTINCT unnest(message_ids || @messageIds)) WHERE id = @erasureId",
                new { erasureId, messageIds = rows.MessageIds }, transaction, cancellationToken: cancellationToken));
            await AuditRedaction.RedactAsync(connection, transaction, rows.Audit, Reason, unlink: true, actor, now, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(Delete, new
            {
                patientId, rows.Courses, rows.CheckIns, rows.Reminders, rows.Replies, rows.Inbound, rows.Alerts, rows.Consents,
            }, transaction, cancellationToken: cancellationToken));
            await Audit.AuditTrail.WriteAsync(connection, transaction, now, actor, "patient.erased", null, null, erasureId,
                new { erasure_id = erasureId, forced = force, rows = counts, closed_open_alerts = closed }, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await Step(checkpoint, "database");
        return await FinishAsync(connection, erasureId, removed, counts, closed, actor, checkpoint, cancellationToken);
    }

    /// <summary>
    /// Step D: the mailbox once more (mail read while the erasure ran), then the record forgets the patient; then the
    /// notice about the open alerts it closed, if any (a notice the mail server refuses waits for the next request).
    /// </summary>
    private async Task<ErasureReport> FinishAsync(NpgsqlConnection connection, long erasureId, int removed, object? counts, IReadOnlyDictionary<string, int> closed,
        string actor, Func<string, Task>? checkpoint, CancellationToken cancellationToken)
    {
        removed += await mailbox.DeleteAsync(await MessageIdsAsync(connection, erasureId, cancellationToken), cancellationToken);
        var at = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE erasures SET completed_at = @at, patient_id = NULL, message_ids = '{}', mailbox_done_at = COALESCE(mailbox_done_at, @at)
            WHERE id = @erasureId AND completed_at IS NULL
            """, new { erasureId, at }, cancellationToken: cancellationToken));
        await Step(checkpoint, "completed");
        return new ErasureReport(erasureId, AlreadyErased: false, at, removed, counts)
        {
            ClosedAlerts = closed,
            Notice = await notice.SendPendingAsync(erasureId, actor, cancellationToken) ?? NobodyToTell(closed),
        };
    }

    /// <summary>
    /// The open alerts among <paramref name="alerts"/> (which go with the rows) counted by kind, and who must hear that
    /// they were closed: each one's treating therapist, the clinic lead for one tied to no course. Kept on the erasure
    /// record until the notice is sent.
    /// </summary>
    private async Task<Dictionary<string, int>> CloseOpenAlertsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long erasureId, long[] alerts,
        CancellationToken cancellationToken)
    {
        var open = (await connection.QueryAsync<(string Kind, string? Therapist)>(new CommandDefinition("""
            SELECT a.kind, t.email FROM alerts a LEFT JOIN courses c ON c.id = a.course_id LEFT JOIN therapists t ON t.id = c.therapist_id
            WHERE a.id = ANY(@alerts) AND a.status = 'open'
            """, new { alerts }, transaction, cancellationToken: cancellationToken))).ToList();
        var closed = open.GroupBy(a => a.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (open.Count == 0) return closed;
        var lead = alertOptions.Value.LeadAddress is { Length: > 0 } l && !string.IsNullOrWhiteSpace(l) ? l.Trim() : null;
        var to = open.Select(a => a.Therapist ?? lead).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE erasures SET notice_to = ARRAY(SELECT DISTINCT unnest(notice_to || @to)), notice_sent_at = NULL,
                   closed_alerts = (SELECT COALESCE(jsonb_object_agg(key, total), '{}'::jsonb)
                                    FROM (SELECT key, sum(value::int) AS total
                                          FROM (SELECT * FROM jsonb_each_text(closed_alerts) UNION ALL SELECT * FROM jsonb_each_text(@closed::jsonb)) k GROUP BY key) s)
            WHERE id = @erasureId
            """, new { erasureId, to, closed = System.Text.Json.JsonSerializer.Serialize(closed) }, transaction, cancellationToken: cancellationToken));
        return closed;
    }

    /// <summary>Closed alerts and nobody to tell (no therapist address, no lead set): the report says so.</summary>
    private static ErasureNoticeReport? NobodyToTell(IReadOnlyDictionary<string, int> closed) =>
        closed.Count == 0 ? null : new ErasureNoticeReport(0, Sent: false, "nobody to tell: the alerts' courses have no therapist address and FollowUp:Alerts:LeadAddress is not set");

    private static async Task<string[]> MessageIdsAsync(NpgsqlConnection connection, long erasureId, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<string[]>(new CommandDefinition("SELECT message_ids FROM erasures WHERE id = @erasureId",
            new { erasureId }, cancellationToken: cancellationToken)) ?? [];

    private static Task Step(Func<string, Task>? checkpoint, string step) => checkpoint?.Invoke(step) ?? Task.CompletedTask;

    // An unfinished erasure of the same patient is taken up again (one per patient), its Message-IDs extended.
    private const string Record = """
        INSERT INTO erasures (address_hash, clinic_id_hash, requested_at, requested_by, patient_id, message_ids)
        VALUES (@addressHash, @clinicIdHash, @at, @actor, @patientId, @messageIds)
        ON CONFLICT (patient_id) WHERE completed_at IS NULL
        DO UPDATE SET message_ids = ARRAY(SELECT DISTINCT unnest(erasures.message_ids || EXCLUDED.message_ids))
        RETURNING id
        """;

    // Children before parents. A confirming check-in points at another of the same patient's: both go in one statement.
    private const string Delete = """
        DELETE FROM alerts WHERE id = ANY(@Alerts);
        DELETE FROM replies WHERE id = ANY(@Replies);
        DELETE FROM reminders WHERE id = ANY(@Reminders);
        DELETE FROM inbound_messages WHERE id = ANY(@Inbound);
        DELETE FROM check_ins WHERE id = ANY(@CheckIns);
        DELETE FROM consents WHERE id = ANY(@Consents);
        DELETE FROM courses WHERE id = ANY(@Courses);
        DELETE FROM patients WHERE id = @patientId;
        """;
}
