using System.Security.Cryptography;
using System.Text;

namespace FollowUp.DataProtection;

/// <summary>The key of the erasure record's hashes (section <c>FollowUp:DataProtection</c>).</summary>
public sealed class ErasureOptions
{
    public const string Section = "FollowUp:DataProtection";

    /// <summary>
    /// Secret key of the keyed hashes that let an erasure be recognised without saying whom it erased (at least 32 random
    /// characters; never change it, or earlier erasures are no longer recognised). Needed only by <c>patient erase</c>.
    /// </summary>
    public string? ErasureKey { get; set; }

    internal IEnumerable<string> Validate()
    {
        if (!string.IsNullOrEmpty(ErasureKey) && Mail.TokenKeyStrength.Weakness(ErasureKey) is { } weakness)
            yield return $"{Section}:ErasureKey {weakness}.";
    }

    /// <summary>HMAC-SHA256 of the normalised address (trimmed, lower case).</summary>
    internal byte[] AddressHash(string address) => Hash("address\n" + address.Trim().ToLowerInvariant());

    /// <summary>HMAC-SHA256 of the clinic's identifier, as the clinic writes it (trimmed).</summary>
    internal byte[]? ClinicIdHash(string? clinicId) => clinicId is null ? null : Hash("clinic-id\n" + clinicId.Trim());

    private byte[] Hash(string text) => string.IsNullOrEmpty(ErasureKey)
        ? throw new PatientRequestException($"{Section}:ErasureKey is not set: patient erase needs it to record an erasure without naming the patient")
        : HMACSHA256.HashData(Encoding.UTF8.GetBytes(ErasureKey), Encoding.UTF8.GetBytes(text));
}
