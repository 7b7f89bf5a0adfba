using System.Text.RegularExpressions;
using static FollowUp.Languages.LexiconPatterns;
using static FollowUp.Languages.AnswerParts;

namespace FollowUp.Languages;

/// <summary>
/// A pain given with its label: "pain is about a 6/10", "Schmerzen: fünf", "douleur faible, à peu près 2", and "no
/// pain" and its equivalents as 0.
/// </summary>
internal static class PainPatterns
{
    /// <summary>"pain is about a 6/10", "Schmerzen: fünf", "dolor en 3 o 4": label, a few filler words, the number.</summary>
    public static Regex Pain { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.PainLabels))}){Lead}(?:(?:{Fillers}){Lead}){{0,4}}{NotScale}(?<v>{LabelledNumber}){Suffix}(?:{OutOf})?{RangeTail}");

    /// <summary>
    /// "douleur faible, à peu près 2", "A dor melhorou bastante, tá uns 2", "Schmerzen a bisserl, sag ma 2": a pain
    /// label, a few words about it (no number, no other label, no earlier time), a comma, then the number.
    /// </summary>
    public static Regex PainRemark { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.PainLabels))})(?:[ \t]+(?!{NotRemark})[\p{{L}}'\-]+){{1,3}}[ \t]*,[ \t]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{LabelledNumber})(?!\w){Suffix}(?:{OutOf})?{RangeTail}");

    private static string NotRemark => $@"(?:{Words(Lexicon.Union(l => l.MoodLabels.Concat(l.PainLabels).Concat(l.InterestLabels).Concat(l.DownLabels).Concat(l.Past).Concat(l.SameAsBefore).Concat(l.Now)))}|{Words(NumberWords.Keys)})(?!\w)";

    /// <summary>A pain label opening the text, with its colon: "Pain: …".</summary>
    public static Regex PainLabelFirst { get; } = Pattern($@"^[ \t]*(?:{Words(Lexicon.Union(l => l.PainLabels))})[ \t]*:");

    public static Regex PainLabel { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.PainLabels))})(?!\w)");

    /// <summary>"Null Schmerzen heute", "zero pain", "0 dolor": a zero right before a pain label.</summary>
    public static Regex ZeroBeforeLabel { get; } = Pattern(
        $@"(?<!\w)(?<v>0|{Words(NumberWords.Where(n => n.Value == 0).Select(n => n.Key))})(?!\w)[ \t]+(?:{Words(Lexicon.Union(l => l.PainLabels))})(?!\w)");

    public static Regex NoPain { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.NoPain))})(?!\w)(?!\s+(?:{Words(Lexicon.Union(l => l.Units))}))");
}
