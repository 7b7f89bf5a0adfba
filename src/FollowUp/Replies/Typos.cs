using System.Text.RegularExpressions;
using FollowUp.Languages;

namespace FollowUp.Replies;

/// <summary>
/// A label or mood word typed one letter off ("dlor 5", "pian 4", "animo bein"), mended before the reply is read.
/// Narrowly: only a word of four letters or more that no language file knows, one edit (a letter missing, added,
/// changed, or two swapped) from exactly one meaning; a label only right before its number (a mood label also right
/// before a mood word: "Stimung gut"), a mood word only right after a mood label. Never a number word: "sieben" typed wrong is no number, and a clarification asks.
/// </summary>
internal static class Typos
{
    private const int Shortest = 4;

    private static readonly string[] PainLabels = SingleWords(Lexicon.Answering.SelectMany(l => l.PainLabels));
    private static readonly string[] MoodLabels = SingleWords(Lexicon.Answering.SelectMany(l => l.MoodLabels));
    private static readonly Dictionary<string, string> MoodWords = MoodPatterns.MoodWordMeaning
        .Where(p => p.Key.Length >= Shortest && !p.Key.Contains(' ', StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>Every single word of every language file: a word some language knows is never someone's typo.</summary>
    private static readonly HashSet<string> Known = Lexicon.All
        .SelectMany(l => typeof(Lexicon).GetProperties().Where(p => p.PropertyType == typeof(string[])).SelectMany(p => (string[])p.GetValue(l)!)
            .Concat(l.MoodWords.Values.SelectMany(w => w)).Concat(l.Numbers.Values.SelectMany(w => w)).Concat(l.Phq2Options.Values.SelectMany(w => w))
            .SelectMany(l.Spellings))
        .SelectMany(e => Lexicon.Fold(e).Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);

    private static readonly Regex MoodLabel = LexiconPatterns.Pattern($@"{LexiconPatterns.Words(Lexicon.Union(l => l.MoodLabels))}[ \t]*[:=,\-]?[ \t]*(?<w>\p{{L}}{{{Shortest},}})(?!\w)");

    public sealed record Mended(string Folded, string Written, IReadOnlyList<string> Notes);

    /// <summary>
    /// The folded text and the text as written with the same words mended (the written one only where they line up):
    /// the labels first, then the mood words after the mood labels as mended ("moood ok", "umore bunoo").
    /// </summary>
    public static Mended Mend(string folded, string written)
    {
        var notes = new List<string>();
        var labels = new List<(int Index, int Length, string Word)>();
        foreach (Match m in BeforeANumber.Matches(folded))
            if (Correction(m.Groups["w"].Value, [.. PainLabels, .. MoodLabels], w => PainLabels.Contains(w) ? "pain" : "mood") is { } label)
                labels.Add((m.Groups["w"].Index, m.Groups["w"].Length, label));
        // "Stimung gut", "umeur bonne": a mood label typed wrong right before a mood word.
        foreach (Match m in BeforeAMoodWord.Matches(folded))
            if (Correction(m.Groups["w"].Value, MoodLabels, _ => "mood") is { } label)
                labels.Add((m.Groups["w"].Index, m.Groups["w"].Length, label));
        (folded, written) = Apply(folded, written, labels, notes);
        var words = new List<(int Index, int Length, string Word)>();
        foreach (Match m in MoodLabel.Matches(folded))
            if (Correction(m.Groups["w"].Value, MoodWords.Keys, w => MoodWords[w]) is { } word)
                words.Add((m.Groups["w"].Index, m.Groups["w"].Length, word));
        (folded, written) = Apply(folded, written, words, notes);
        return new Mended(folded, written, notes);
    }

    private static (string Folded, string Written) Apply(string folded, string written, List<(int Index, int Length, string Word)> fixes, List<string> notes)
    {
        var lineUp = folded.Length == written.Length;
        var at = notes.Count;
        foreach (var (index, length, word) in fixes.DistinctBy(f => f.Index).OrderByDescending(f => f.Index))
        {
            notes.Insert(at, $"\"{folded.Substring(index, length)}\" read as \"{word}\" (one letter off)");
            folded = folded[..index] + word + folded[(index + length)..];
            if (lineUp) written = written[..index] + word + written[(index + length)..];
        }
        return (folded, written);
    }

    /// <summary>The one known word one edit from <paramref name="typed"/>, or null when none, or several that mean different things.</summary>
    private static string? Correction(string typed, IEnumerable<string> candidates, Func<string, string> meaning)
    {
        if (typed.Length < Shortest || Known.Contains(typed)) return null;
        var near = candidates.Where(c => Math.Abs(c.Length - typed.Length) <= 1 && OneEdit(typed, c)).ToList();
        return near.Count > 0 && near.Select(meaning).Distinct(StringComparer.Ordinal).Count() == 1 ? near[0] : null;
    }

    /// <summary>One letter missing, added or changed, or two neighbours swapped.</summary>
    internal static bool OneEdit(string a, string b)
    {
        if (a == b) return false;
        if (a.Length == b.Length)
        {
            var diffs = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToList();
            return diffs.Count == 1 || (diffs.Count == 2 && diffs[1] == diffs[0] + 1 && a[diffs[0]] == b[diffs[1]] && a[diffs[1]] == b[diffs[0]]);
        }
        var (shorter, longer) = a.Length < b.Length ? (a, b) : (b, a);
        if (longer.Length - shorter.Length != 1) return false;
        var i0 = 0;
        while (i0 < shorter.Length && shorter[i0] == longer[i0]) i0++;
        return shorter.AsSpan(i0).SequenceEqual(longer.AsSpan(i0 + 1));
    }

    private static string[] SingleWords(IEnumerable<string> entries) =>
        entries.Select(Lexicon.Fold).Where(e => e.Length >= Shortest && !e.Contains(' ', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();

    private static readonly Regex BeforeAMoodWord = LexiconPatterns.Pattern(
        $@"(?<!\w)(?<w>\p{{L}}{{{Shortest},}})[ \t]*[:=,\-]?[ \t]*(?={LexiconPatterns.Words(MoodPatterns.MoodWordMeaning.Keys)})");

    // "I paid 5 euros": a word before a count of things is no label, however close.
    private static readonly Regex BeforeANumber = LexiconPatterns.Pattern(
        $@"(?<!\w)(?<w>\p{{L}}{{{Shortest},}})[ \t]*[:=]?[ \t]*(?=\d{{1,2}}(?!\d)(?![ \t]?{LexiconPatterns.Words(Lexicon.Union(l => l.Units))}))");
}
