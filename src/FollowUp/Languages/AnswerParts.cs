using static FollowUp.Languages.LexiconPatterns;

namespace FollowUp.Languages;

/// <summary>
/// What every answer pattern is built of, from every answering language together (patients mix languages, and a
/// reply is read whatever the patient's setting): how a number is written, in digits or words, strong or weak; a scale
/// ("/10", "out of 10"); a range joined to it; the filler words between a label and its value.
/// </summary>
internal static class AnswerParts
{
    /// <summary>Folded number word to its value, every answering language.</summary>
    public static IReadOnlyDictionary<string, int> NumberWords { get; } = Lexicon.Answering
        .SelectMany(l => l.Numbers.SelectMany(n => n.Value.SelectMany(l.Spellings).Select(w => (Word: Lexicon.Fold(w), Value: int.Parse(n.Key, System.Globalization.CultureInfo.InvariantCulture)))))
        .Concat(Lexicon.Answering.SelectMany(l => l.LabelOnlyZero.SelectMany(l.Spellings).Select(w => (Word: Lexicon.Fold(w), Value: 0))))
        .DistinctBy(p => p.Word).ToDictionary(p => p.Word, p => p.Value, StringComparer.Ordinal);

    /// <summary>
    /// Number words that count without a label before them: not "ein", "un", "otto", "keine" (articles, names), nor
    /// a word another language uses otherwise ("tres" is Spanish 3 and French "très").
    /// </summary>
    public static IReadOnlySet<string> StrongNumberWords { get; } = NumberWords.Keys
        .Except(Lexicon.Union(l => l.LabelOnlyNumbers.Concat(l.LabelOnlyZero)), StringComparer.Ordinal)
        .Except(Lexicon.Union(l => l.Fillers.Concat(l.Intensifiers).Concat(l.MoodWords.Values.SelectMany(w => w)).Concat(l.PainLabels).Concat(l.MoodLabels)
            .Concat(l.Alternatives).Concat(l.Units).Concat(l.Months).Concat(l.Phq2Options.Values.SelectMany(o => o)).Concat(l.NoPain).Concat(l.SameAsBefore)
            .Concat(l.Comparatives).Concat(l.Between).Concat(l.OutOf).Concat(l.Streets).SelectMany(p => p.Split(' ')))
            , StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);

    // A number as written: digits (a decimal is caught to be refused, not read) or a word for 0-10. Words that are
    // also articles or other words ("un", "een", "keine", "tres") count only where nothing follows them but punctuation.
    internal static readonly string Digits = @"(?<!\d)\d+(?:[.,]\d+)?(?!\d)";
    // "Pain: none today.", "Schmerz: eins heute": a word for today between the weak word and the pause.
    internal static readonly string WeakNumber = $@"{Words(NumberWords.Keys.Except(StrongNumberWords))}(?=(?:[ \t]+{Words(Lexicon.Union(l => l.Now))})?[ \t]*(?:[.,;:!?)\n]|$))";
    internal static readonly string AnyNumber = $@"{Digits}|{Words(NumberWords.Keys)}";
    internal static readonly string StrongNumber = $@"{Digits}|{Words(StrongNumberWords)}";
    // At the head of a line a weak word is a number only before a separator ("uno - better", "sei su 10"), never
    // alone: a line "Otto" is a signature.
    internal static readonly string HeadNumber = $@"{Digits}|{Words(StrongNumberWords)}|{Words(NumberWords.Keys.Except(StrongNumberWords))}(?=[ \t]*[\-\u2013:,])";
    internal static readonly string LabelledNumber = $@"{Digits}|{Words(StrongNumberWords)}|{WeakNumber}";
    internal static readonly string OutOfWords = Words(Lexicon.Union(l => l.OutOf));
    // "un sur 10", "um em 10": the 10 is the scale, never the value.
    internal static readonly string NotScale = $@"(?<!(?:\d|{Words(NumberWords.Keys)})[ \t]*(?:/|[ \t]{OutOfWords})[ \t]*)";
    internal static readonly string Fillers = Words(Lexicon.Union(l => l.Fillers.Concat(l.Hedges).Concat(l.AtLevel)));
    internal static readonly string OutOf = $@"(?:[ \t]*/[ \t]*|[ \t]+{OutOfWords}[ \t]+)(?<den>\d+|{Words(NumberWords.Keys)})(?!\w)";
    internal static readonly string Suffix = @"(?:[ \t]?-?[ \t]?ish(?!\w))?";
    internal static readonly string RangeTail = $@"(?<range>[ \t]*(?:{Words(Lexicon.Union(l => l.Alternatives))})[ \t]*(?:{LabelledNumber})(?!\w))?";
    internal static readonly string Lead = @"[ \t:=,\-\u2013]*";
}
