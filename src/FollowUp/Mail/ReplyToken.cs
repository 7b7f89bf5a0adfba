using System.Security.Cryptography;
using System.Text;

namespace FollowUp.Mail;

/// <summary>
/// The token in a reply address <c>replies+TOKEN@domain</c>: what the email is about (a check-in, an alert) and its id,
/// with an HMAC-SHA256 tag so that nobody can make up or alter a token to attach a reply to another patient.
/// Lower-case base32 only: mail systems may fold the case of a local part, and '+' and '-' are all we need.
/// The current key signs; earlier keys (a rotation) still verify the tokens of emails sent under them.
/// </summary>
public sealed class ReplyToken(byte[] key, IReadOnlyList<byte[]>? earlierKeys = null)
{
    private readonly byte[][] _verifyingKeys = [key, .. earlierKeys ?? []];

    // 80 bits of tag: forging one takes ~2^79 guesses, each of which is an email we would see.
    private const int TagBytes = 10;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>Token for something of <paramref name="kind"/> ('c' check-in, 'a' alert) with this id.</summary>
    public string Create(char kind, long id)
    {
        var subject = $"{kind}{id}";
        return $"{subject}-{Tag(key, subject)}";
    }

    /// <summary>The id the token stands for, or null when it is malformed, of another kind, or its tag is wrong.</summary>
    public long? Verify(string? token, char kind)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64) return null;
        token = token.ToLowerInvariant();
        var dash = token.IndexOf('-', StringComparison.Ordinal);
        if (dash < 2 || token[0] != kind) return null;
        var subject = token[..dash];
        if (!long.TryParse(subject.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            return null;
        var given = Encoding.ASCII.GetBytes(token[(dash + 1)..]);
        var valid = false;
        // Every key is tried, so the time taken does not say which one signed it.
        foreach (var candidate in _verifyingKeys)
            valid |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Tag(candidate, subject)), given);
        return valid ? id : null;
    }

    /// <summary>The token inside an address such as <c>replies+c42-abc…@clinic.example</c>, if it has one.</summary>
    public static string? FromAddress(string address, string replyLocalPart)
    {
        var at = address.LastIndexOf('@');
        if (at < 0) return null;
        var local = address[..at];
        var prefix = replyLocalPart + "+";
        return local.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? local[prefix.Length..] : null;
    }

    private static string Tag(byte[] key, string subject)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(subject), mac);
        return Base32(mac[..TagBytes]);
    }

    private static string Base32(ReadOnlySpan<byte> data)
    {
        var output = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) output.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return output.ToString();
    }
}
