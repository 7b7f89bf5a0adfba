namespace FollowUp.Languages;

/// <summary>
/// The languages FollowUp writes to patients in, and how an admin or a clinic's export may name one: the code
/// ("de"), a locale ("de-AT", "pt_BR": the language part), or the language's name in any supported language
/// ("German", "Deutsch", "allemand"), without regard to case or accents. Pure.
/// </summary>
public static class PatientLanguage
{
    /// <summary>The codes, English first: en, de, fr, es, it, nl, pt.</summary>
    public static IReadOnlyList<string> Codes { get; } = Wording.All.Select(w => w.Code).ToList();

    /// <summary>"en, de, fr, es, it, nl or pt", for messages.</summary>
    public static string List { get; } = string.Join(", ", Codes.Take(Codes.Count - 1)) + " or " + Codes[^1];

    /// <summary>The language's code, or null when <paramref name="value"/> names none FollowUp writes.</summary>
    public static string? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var folded = Lexicon.Fold(value.Trim());
        var code = folded.Split('-', '_')[0];
        foreach (var wording in Wording.All)
        {
            if (code == wording.Code) return wording.Code;
            if (wording.Names.Any(n => Lexicon.Fold(n) == folded)) return wording.Code;
        }
        return null;
    }

    /// <summary>The reason <paramref name="value"/> is not a language, naming <paramref name="what"/> and the supported codes.</summary>
    public static string Problem(string what, string? value) =>
        $"{what} '{value}' is not a language FollowUp writes; use {List} (or the language's name, e.g. German or Deutsch)";
}
