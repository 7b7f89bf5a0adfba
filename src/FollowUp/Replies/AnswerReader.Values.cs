using System.Globalization;
using FollowUp.Languages;

namespace FollowUp.Replies;

// From what was found to what is stored: the one value per item, or none with the doubt that says why.
internal sealed partial class AnswerReader
{
    /// <summary>The one value given for an item, or null with the reason: out of range, a range, not whole, or two values.</summary>
    public int? Single(string item, int max)
    {
        var values = new List<int>();
        foreach (var (_, value, isRange, words) in found.Where(f => f.Item == item))
        {
            if (isRange)
            {
                Doubts.Add($"{item} given as a range (\"{words}\")");
                return null;
            }
            if (Number(value) is not { } n || n > max)
            {
                Doubts.Add($"{item} {value} is outside 0-{max}");
                return null;
            }
            values.Add(n);
        }
        var distinct = values.Distinct().ToList();
        if (distinct.Count > 1)
        {
            Doubts.Add($"{item} given as {string.Join(" and ", distinct)}");
            return null;
        }
        if (distinct.Count == 1) Read.Add($"{item} {distinct[0]} from \"{found.First(f => f.Item == item).Words}\"");
        return distinct.Count == 1 ? distinct[0] : null;
    }

    /// <summary>Mood as a number or a word (good / okay / low); both, or two different words, are doubtful.</summary>
    public (int? Score, string? Word) Mood()
    {
        var moods = found.Where(f => f.Item == "mood").ToList();
        var words = moods.Select(f => MoodPatterns.MoodWordMeaning.GetValueOrDefault(f.Value)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var numbers = moods.Where(f => !MoodPatterns.MoodWordMeaning.ContainsKey(f.Value)).ToList();
        if (numbers.Count > 0 && words.Count > 0)
        {
            Doubts.Add("mood given both as a number and a word");
            return (null, null);
        }
        if (numbers.Count > 0) return (Single("mood", 10), null);
        if (words.Count > 1)
        {
            Doubts.Add($"mood given as different words ({string.Join(", ", words)})");
            return (null, null);
        }
        if (words.Count == 1) Read.Add($"mood {words[0]} from \"{moods[0].Words}\"");
        return (null, words.Count == 1 ? words[0] : null);
    }

    private static int? Number(string token) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : AnswerParts.NumberWords.TryGetValue(token, out var w) ? w
        : Phq2Patterns.Phq2OptionValue.TryGetValue(token, out var o) ? o : null;
}
