using System.Text;

namespace FollowUp.Alerts;

/// <summary>
/// Looks for a mention of self-harm in a patient's own words. Deliberately simple and over-inclusive ("I am not
/// suicidal" matches too): a person reads every hit, and a missed one is the worse error. Pure.
/// </summary>
internal static class CrisisWords
{
    /// <summary>The first configured phrase the text mentions, or null.</summary>
    public static string? Find(string? text, IEnumerable<string> phrases) => Find(text, Needles(phrases));

    // Each phrase with its normalized form, once per evaluation rather than once per reading (a re-assessment of
    // every course reads a million replies).
    private static (string Phrase, string Needle)[] Needles(IEnumerable<string> phrases) =>
        phrases.Select(p => (p, Normalize(p))).Where(n => n.Item2.Length > 2).ToArray();

    private static string? Find(string? text, (string Phrase, string Needle)[] needles)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var haystack = Normalize(text);
        foreach (var (phrase, needle) in needles)
            if (haystack.Contains(needle, StringComparison.Ordinal)) return phrase;
        return null;
    }

    /// <summary>The crisis finding for the latest reading that mentions self-harm (or was flagged by the inbox), or null.</summary>
    public static Finding? Evaluate(IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        var needles = Needles(options.SelfHarmPhrases);
        foreach (var reading in readings.OrderByDescending(r => r.OffsetDays))
        {
            var phrase = Find(reading.Text, needles);
            if (phrase is null && !reading.CrisisFlag) continue;
            var said = phrase is null ? "" : $" (\"{phrase}\")";
            return new Finding(AlertKinds.Crisis, AlertKinds.High,
                $"Reply at {LateWorseningRule.When(reading.OffsetDays)} mentions self-harm{said}; the patient was emailed the crisis contacts", reading);
        }
        return null;
    }

    // " self-harm!" and "Self  harm" both become " self harm ": letters and digits only, single spaces, padded.
    private static string Normalize(string text)
    {
        var output = new StringBuilder(text.Length + 2).Append(' ');
        foreach (var c in text.ToLowerInvariant())
        {
            var keep = char.IsLetterOrDigit(c) || c == '\'';
            if (keep) output.Append(c);
            else if (output[^1] != ' ') output.Append(' ');
        }
        if (output[^1] != ' ') output.Append(' ');
        return output.ToString();
    }
}
