using System.Text;

namespace FollowUp.Replies;

/// <summary>What the clinic's own receiving server says about who sent a message (RFC 8601 Authentication-Results).</summary>
public enum SenderProof
{
    /// <summary>No result from the clinic's server, or none that speaks for the From: domain: the sender may be anyone.</summary>
    Unverifiable,
    /// <summary>DMARC passed for the From: domain, or DKIM or SPF passed for a domain aligned with it.</summary>
    Verified,
    /// <summary>The From: domain's own policy says this message is not from it (dmarc=fail): forged.</summary>
    Forged,
}

/// <summary>A sender proof as stored (inbound_messages.sender_proof) and as people read it.</summary>
internal static class SenderProofs
{
    public static string Name(SenderProof proof) => proof.ToString().ToLowerInvariant();

    /// <summary>How the sender was authenticated, in words; <paramref name="stored"/> is a stored name, or null for a message recorded before it was kept.</summary>
    public static string Describe(string? stored) => stored switch
    {
        "verified" => "verified by the clinic's mail server (DMARC, or DKIM/SPF aligned with the From: domain)",
        "forged" => "forged: the clinic's mail server says dmarc=fail for the From: domain",
        "unverifiable" => "unverifiable: the clinic's mail server gave no result for the From: domain",
        _ => "not recorded",
    };
}

/// <summary>One method's result in an Authentication-Results header, e.g. <c>dkim=pass header.d=example.org</c>.</summary>
public sealed record AuthResult(string Method, string Result, IReadOnlyDictionary<string, string> Properties);

/// <summary>A parsed Authentication-Results header: who wrote it (the authserv-id) and its results.</summary>
public sealed record AuthenticationResults(string AuthServId, IReadOnlyList<AuthResult> Results)
{
    /// <summary>
    /// The header, or null when it is not one (RFC 8601 section 2.2). Comments are dropped, quoted values unquoted;
    /// "none" gives no results.
    /// </summary>
    public static AuthenticationResults? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 8192) return null;
        var parts = Split(StripComments(value), ';');
        var head = parts[0].Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (head.Length is 0 or > 2 || !Token(head[0])) return null;
        var results = new List<AuthResult>();
        foreach (var part in parts.Skip(1))
        {
            var words = Words(part);
            if (words.Count == 0 || (words.Count == 1 && words[0].Equals("none", StringComparison.OrdinalIgnoreCase))) continue;
            var eq = words[0].IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) return null;
            var method = words[0][..eq].Split('/')[0].ToLowerInvariant();
            var result = words[0][(eq + 1)..].ToLowerInvariant();
            if (!Token(method) || !Token(result)) return null;
            var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var word in words.Skip(1))
            {
                var at = word.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0) continue;
                var key = word[..at];
                if (key.Equals("reason", StringComparison.OrdinalIgnoreCase) || !key.Contains('.', StringComparison.Ordinal)) continue;
                properties.TryAdd(key.ToLowerInvariant(), word[(at + 1)..]);
            }
            results.Add(new AuthResult(method, result, properties));
        }
        return new AuthenticationResults(head[0].ToLowerInvariant(), results);
    }

    private static bool Token(string s) => s.Length > 0 && s.All(c => c > ' ' && c < 127 && c is not ('(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '[' or ']' or '?' or '='));

    // Comments are "(...)", possibly nested; quoted strings keep what is inside them.
    private static string StripComments(string value)
    {
        var output = new StringBuilder(value.Length);
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length && (quoted || depth > 0)) { if (depth == 0) output.Append(value[++i]); else i++; continue; }
            if (depth == 0 && c == '"') { quoted = !quoted; output.Append(c); continue; }
            if (!quoted && c == '(') { depth++; continue; }
            if (!quoted && c == ')' && depth > 0) { depth--; output.Append(' '); continue; }
            if (depth == 0) output.Append(c is '\r' or '\n' or '\t' ? ' ' : c);
        }
        return output.ToString();
    }

    private static List<string> Split(string value, char separator)
    {
        var parts = new List<string>();
        var quoted = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"') quoted = !quoted;
            else if (value[i] == separator && !quoted) { parts.Add(value[start..i]); start = i + 1; }
        }
        parts.Add(value[start..]);
        return parts;
    }

    // Whitespace-separated words, "key = value" joined, quotes removed.
    private static List<string> Words(string part)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in part.Replace(" =", "=", StringComparison.Ordinal).Replace("= ", "=", StringComparison.Ordinal))
        {
            if (c == '"') { quoted = !quoted; continue; }
            if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0) words.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        if (current.Length > 0) words.Add(current.ToString());
        return words;
    }
}

/// <summary>
/// Decides <see cref="SenderProof"/> from a message's headers. Only the clinic's own receiving server is believed: the
/// first (topmost, so last added) Authentication-Results whose authserv-id is the configured one. Any header a
/// stranger wrote, with another id or below ours, is ignored (RFC 8601 section 5: the receiving server must also
/// remove copies carrying its own id from outside, which Postfix with OpenDKIM/OpenDMARC and the large providers do).
/// </summary>
public static class SenderVerification
{
    public static SenderProof Decide(IEnumerable<(string Field, string Value)> headers, string fromAddress, string trustedAuthServId)
    {
        var ours = headers
            .Where(h => h.Field.Equals("Authentication-Results", StringComparison.OrdinalIgnoreCase))
            .Select(h => AuthenticationResults.Parse(h.Value))
            .FirstOrDefault(r => r is not null && r.AuthServId.Equals(trustedAuthServId.Trim(), StringComparison.OrdinalIgnoreCase));
        var at = fromAddress.LastIndexOf('@');
        if (ours is null || at < 0) return SenderProof.Unverifiable;
        var fromDomain = fromAddress[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant();

        bool Has(string method, string result, string property) =>
            ours.Results.Any(r => r.Method == method && r.Result == result
                && r.Properties.TryGetValue(property, out var domain) && Aligned(DomainOf(domain), fromDomain));

        // DMARC decides when the server evaluated it for this From: domain (RFC 7489 section 3).
        if (Has("dmarc", "fail", "header.from")) return SenderProof.Forged;
        if (Has("dmarc", "pass", "header.from")) return SenderProof.Verified;
        // Without a DMARC result: DKIM or SPF passed for a domain aligned with the From: domain (relaxed alignment).
        if (Has("dkim", "pass", "header.d") || Has("dkim", "pass", "header.i") || Has("spf", "pass", "smtp.mailfrom"))
            return SenderProof.Verified;
        return SenderProof.Unverifiable;
    }

    private static string DomainOf(string value)
    {
        var at = value.LastIndexOf('@');
        return (at >= 0 ? value[(at + 1)..] : value).Trim().TrimEnd('.').ToLowerInvariant();
    }

    /// <summary>
    /// Relaxed alignment approximated without the public suffix list: the same domain, or one a subdomain of the
    /// other, never a bare top-level or public suffix such as "com" or "co.uk" (two labels at least on the short side,
    /// three when its last label has two letters and its second-last three or fewer, as co.uk, com.au).
    /// </summary>
    internal static bool Aligned(string authenticated, string from)
    {
        if (authenticated.Length == 0 || from.Length == 0) return false;
        if (authenticated == from) return true;
        var (shorter, longer) = authenticated.Length < from.Length ? (authenticated, from) : (from, authenticated);
        if (!longer.EndsWith("." + shorter, StringComparison.Ordinal)) return false;
        var labels = shorter.Split('.');
        var publicLooking = labels.Length < 2 || (labels.Length == 2 && labels[1].Length == 2 && labels[0].Length <= 3);
        return !publicLooking;
    }
}
