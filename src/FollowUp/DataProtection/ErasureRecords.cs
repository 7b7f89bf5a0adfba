using System.Data.Common;
using System.Globalization;
using Dapper;

namespace FollowUp.DataProtection;

/// <summary>An erasure as a later request finds it: by the keyed hashes, since the patient's rows are gone.</summary>
internal sealed record KnownErasure(long Id, DateTime? CompletedAt, byte[] AddressHash);

/// <summary>A completed erasure whose address a message came from.</summary>
internal sealed record ErasedAddress(long Id, DateTime CompletedAt);

/// <summary>
/// The erasure record as later requests and the inbox see it: which erasure a request names once the patient is gone,
/// and which mail came from the erased address since (recognised by the keyed hash, so the address is never stored
/// beyond what the unmatched message itself holds).
/// </summary>
internal static class ErasureRecords
{
    /// <summary>
    /// The erasure <paramref name="given"/> names: by the keyed hash of the address or of the clinic's identifier, or
    /// (unfinished only) by FollowUp's id. The latest, if several; null when none, or when no key is set to tell.
    /// </summary>
    public static async Task<KnownErasure?> FindAsync(DbConnection connection, DbTransaction? transaction, string given, ErasureOptions keys, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(keys.ErasureKey)) return null;
        var text = given.Trim();
        return await connection.QuerySingleOrDefaultAsync<KnownErasure>(new CommandDefinition("""
            SELECT id, completed_at, address_hash FROM erasures
            WHERE address_hash = @addressHash OR clinic_id_hash = @clinicIdHash OR (completed_at IS NULL AND patient_id = @id)
            ORDER BY completed_at IS NULL DESC, id DESC LIMIT 1
            """, new
        {
            addressHash = keys.AddressHash(text),
            clinicIdHash = keys.ClinicIdHash(text),
            id = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (long?)null,
        }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The addresses (lower case) of mail tied to no check-in whose keyed hash is <paramref name="addressHash"/>: mail
    /// from the erased patient's address since the erasure. An address a patient has now (enrolled again) is theirs.
    /// </summary>
    public static async Task<string[]> MailFromAsync(DbConnection connection, DbTransaction? transaction, byte[] addressHash, ErasureOptions keys, CancellationToken cancellationToken)
    {
        var senders = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT lower(m.from_address) FROM inbound_messages m
            WHERE m.check_in_id IS NULL AND m.from_address IS NOT NULL AND m.from_address <> ''
              AND NOT EXISTS (SELECT 1 FROM patients p WHERE lower(p.email) = lower(m.from_address))
            """, transaction: transaction, cancellationToken: cancellationToken));
        return [.. senders.Where(s => keys.AddressHash(s).AsSpan().SequenceEqual(addressHash))];
    }

    /// <summary>The completed erasure of the patient whose address was <paramref name="address"/>, if one (for the inbox: a message from an erased address).</summary>
    public static async Task<ErasedAddress?> ErasedAddressAsync(DbConnection connection, DbTransaction? transaction, string? address, ErasureOptions keys,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(keys.ErasureKey) || string.IsNullOrWhiteSpace(address)) return null;
        return await connection.QueryFirstOrDefaultAsync<ErasedAddress>(new CommandDefinition("""
            SELECT id, completed_at FROM erasures WHERE address_hash = @hash AND completed_at IS NOT NULL ORDER BY id DESC LIMIT 1
            """, new { hash = keys.AddressHash(address) }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The inbox's check of a message tied to no patient: from an erased patient's address, it is audited (the erasure,
    /// not the address) and the admin is told in the log, so the clinic knows to erase it again; returns the erasure.
    /// </summary>
    public static async Task<ErasedAddress?> NoteMailFromAsync(DbConnection connection, DbTransaction transaction, long inboundId, string? address, ErasureOptions keys,
        DateTimeOffset now, Microsoft.Extensions.Logging.ILogger logger, CancellationToken cancellationToken)
    {
        if (await ErasedAddressAsync(connection, transaction, address, keys, cancellationToken) is not { } erased) return null;
        var erasedOn = DateOnly.FromDateTime(erased.CompletedAt);
        await Audit.AuditTrail.WriteAsync(connection, transaction, now, "inbox", "inbound.from_erased_address", null, null, inboundId,
            new { erasure_id = erased.Id, erased_on = erasedOn }, cancellationToken);
        Log.FromErasedAddress(logger, inboundId, erasedOn, erased.Id);
        return erased;
    }
}
