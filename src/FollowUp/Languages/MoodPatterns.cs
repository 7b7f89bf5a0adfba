using System.Text.RegularExpressions;
using static FollowUp.Languages.LexiconPatterns;
using static FollowUp.Languages.AnswerParts;
using static FollowUp.Languages.Phq2Patterns;

namespace FollowUp.Languages;

/// <summary>
/// A mood given with its label ("mood good", "Stimmung: 6"), below a label alone on its line, or in words that name a
/// mood without a label ("bit fed up"); and what each mood word means (good / okay / low).
/// </summary>
internal static class MoodPatterns
{
    public static IReadOnlyDictionary<string, string> MoodWordMeaning { get; } = Lexicon.Answering
        .SelectMany(l => l.MoodWords.Concat(l.MoodAlone).SelectMany(m => m.Value.SelectMany(l.Spellings).Select(w => (Word: Lexicon.Fold(w), Meaning: m.Key))))
        .DistinctBy(p => p.Word).ToDictionary(p => p.Word, p => p.Meaning, StringComparer.Ordinal);

    private static readonly string MoodValue = $@"{Words(MoodWordMeaning.Keys)}|{NotScale}(?:{LabelledNumber})";

    public static Regex Mood { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.MoodLabels))}){Lead}(?:(?:{Fillers}|{Words(Lexicon.Union(l => l.Intensifiers))}){Lead}){{0,4}}(?<v>{MoodValue})(?!\w){Suffix}(?:{OutOf})?{RangeTail}");

    /// <summary>
    /// "Bit fed up", "sono giù di morale", "re bien de ánimo": a phrase that names a mood without a label. Not before an
    /// answer: "giù di morale: 2", "Niedergeschlagen 0" answer the PHQ-2 item those words also name, and say no mood.
    /// </summary>
    public static Regex MoodAlone { get; } = Pattern(
        $@"(?<!\w)(?<v>{Words(Lexicon.Union(l => l.MoodAlone.Values.SelectMany(w => w)))})(?!\w)(?![ \t]*[:=\-]?[ \t]*(?:\d|{Words(Phq2OptionValue.Keys)}))");

    /// <summary>
    /// "Mood" / "okay-ish", "Ánimo:" / "bueno", "L'umore è" / "giù, …": a label alone on its line (as a phone's narrow
    /// screen or a form-like reply puts it) and the value opening the next.
    /// </summary>
    public static Regex MoodBelow { get; } = Pattern(
        $@"^[ \t*]*(?:(?:{Fillers})[ \t]+|l')*(?:{Words(Lexicon.Union(l => l.MoodLabels))})(?:[ \t]+(?:{Fillers}))*[ \t]*[:=\-]?[ \t]*\n(?:[ \t]*\n)?[ \t*]*(?:(?:{Words(Lexicon.Union(l => l.Intensifiers))})[ \t]+)?(?<v>{MoodValue})(?!\w)(?=[ \t]*(?:[.,;!]|$))",
        Options | RegexOptions.Multiline);

    /// <summary>
    /// "I'm a bit low.", "estoy bien", "ando em baixo", "ik ben wat somber": a mood word after "I am" closing its clause
    /// ("I'm down to 2", "estoy mal de la espalda" say no mood).
    /// </summary>
    public static Regex MoodSaid { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.MoodVerbs))})[ \t]+(?:(?:{Words(Lexicon.Union(l => l.Intensifiers))})[ \t]+){{0,2}}(?<v>{Words(MoodWordMeaning.Keys)})(?!\w)"
        + $@"(?=[ \t]*(?:$|[.,;!)\n]|[\p{{So}}\p{{Cs}}]|{Words(Lexicon.Union(l => l.But.Concat(l.And)))}))");

    /// <summary>A mood label with nothing read after it: said, but not in words we know.</summary>
    public static Regex MoodLabel { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.MoodLabels))})(?!\w)");
}
