namespace FollowUp.Mail;

/// <summary>
/// Whether a token key can be guessed. Anyone who has the key can make a token for any check-in and answer it for
/// the patient, so a key an attacker could try early (a word, a repeated pattern, spaces) is refused at start.
/// </summary>
internal static class TokenKeyStrength
{
    public const int MinimumCharacters = 32;

    // 32 random hex characters (openssl rand -hex 16) carry about 115 bits by this estimate; "password" four times
    // about 88 and 32 of one character 0. Below 100 bits the key is a pattern or a phrase, not a random secret.
    private const double MinimumBits = 100;

    /// <summary>Why the key is too weak, worded to follow "TokenKey …", or null when it is strong enough.</summary>
    public static string? Weakness(string? key)
    {
        if (string.IsNullOrEmpty(key)) return $"must be at least {MinimumCharacters} characters (it is not set)";
        if (key.Any(char.IsWhiteSpace)) return "must not contain spaces or other whitespace (a pasted phrase or a padded value)";
        // Counted in characters, as the message says; a character outside ASCII is still one character here.
        var characters = new System.Globalization.StringInfo(key).LengthInTextElements;
        if (characters < MinimumCharacters) return $"must be at least {MinimumCharacters} characters (it has {characters})";
        if (RepeatedUnit(key) is { } unit)
            return $"must not be one piece repeated (it is {key.Length / unit} times the same {unit} characters)";
        if (Bits(key) < MinimumBits)
            return $"is too easy to guess (too few different characters; use a random value)";
        return null;
    }

    /// <summary>The length of the shortest piece the key is made of by repeating it, or null when there is none.</summary>
    private static int? RepeatedUnit(string key)
    {
        for (var unit = 1; unit <= key.Length / 2; unit++)
        {
            if (key.Length % unit != 0) continue;
            var repeated = true;
            for (var i = unit; i < key.Length && repeated; i++) repeated = key[i] == key[i - unit];
            if (repeated) return unit;
        }
        return null;
    }

    /// <summary>Shannon entropy of the key's characters times its length: a rough upper bound of its bits.</summary>
    private static double Bits(string key)
    {
        var counts = key.GroupBy(c => c).Select(g => (double)g.Count());
        var perCharacter = -counts.Sum(n => n / key.Length * Math.Log2(n / key.Length));
        return perCharacter * key.Length;
    }
}
