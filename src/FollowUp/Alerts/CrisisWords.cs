using System.Text;

namespace FollowUp.Alerts;

/// <summary>
/// Looks for a mention of self-harm in a patient's own words. Deliberately simple and over-inclusive ("I am not
/// suicidal" matches too): a person reads every hit, and a missed one is the worse error. Pure.
/// </summary>
public static class CrisisWords
{
    /// <summary>The first configured phrase the text mentions, or null.</summary>
    public static string? Find(string? text, IEnumerable<string> phrases)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var haystack = Normalize(text);
        return phrases.FirstOrDefault(p => Normalize(p) is { Length: > 2 } needle && haystack.Contains(needle, StringComparison.Ordinal));
    }

    /// <summary>The crisis finding for the latest reading that mentions self-harm (or was flagged by the inbox), or null.</summary>
    public static Finding? Evaluate(IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        foreach (var reading in readings.OrderByDescending(r => r.OffsetDays))
        {
            var phrase = Find(reading.Text, options.SelfHarmPhrases);
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
