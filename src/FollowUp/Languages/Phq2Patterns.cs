using System.Text.RegularExpressions;
using static FollowUp.Languages.LexiconPatterns;
using static FollowUp.Languages.AnswerParts;

namespace FollowUp.Languages;

/// <summary>
/// The two PHQ-2 answers (0-3): by the check-in's labels or letters, as a pair of digits on a line, by the option's
/// words ("several days") for the first, the second, both, or "the other two".
/// </summary>
internal static class Phq2Patterns
{
    public static IReadOnlyDictionary<string, int> Phq2OptionValue { get; } = Lexicon.Answering
        .SelectMany(l => l.Phq2Options.SelectMany(o => o.Value.SelectMany(l.Spellings).Select(w => (Word: Lexicon.Fold(w), Value: int.Parse(o.Key, System.Globalization.CultureInfo.InvariantCulture)))))
        .DistinctBy(p => p.Word).ToDictionary(p => p.Word, p => p.Value, StringComparer.Ordinal);

    private static readonly string Phq2Value = $@"{Words(Phq2OptionValue.Keys)}|(?<!\d)\d+(?!\d)|{Words(StrongNumberWords)}|{WeakNumber}";

    /// <summary>"the other two", "les deux autres": the check-in's other questions by their count, no answer in the count.</summary>
    public static Regex OtherQuestions { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.OtherQuestions))})(?!\w)");

    /// <summary>
    /// "Pour les deux autres questions : plusieurs jours et jamais", "the other two: not at all and several days": the two
    /// PHQ-2 answers in the order the check-in asks them, after the words for those questions.
    /// </summary>
    public static Regex Phq2Others { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.OtherQuestions))})(?:[ \t]+\p{{L}}+)?[ \t]*[:,\-\u2013]?[ \t]*(?<a>{Words(Phq2OptionValue.Keys)})[ \t]*(?:[,;/]|[ \t](?:{Words(Lexicon.Union(l => l.And))}))[ \t]*(?<b>{Words(Phq2OptionValue.Keys)})(?!\w)");

    // PHQ-2 by the check-in's own labels ("interest 0, down 1") in any language, or by letters ("a: 1", "Q1 2").
    public static Regex Interest { get; } = Pattern(
        $@"(?:(?<!\w)(?:{Words(Lexicon.Union(l => l.InterestLabels))}){Lead}(?:(?:{Fillers}){Lead}){{0,2}}|(?<![\w)])(?:a|q1|phq-?2?[ \t]*a|item[ \t]*1)[ \t]*[:=)][ \t]*|(?<!\w)q1[ \t]+)(?<v>{Phq2Value})(?!\w){RangeTail}");

    public static Regex Down { get; } = Pattern(
        $@"(?:(?<!\w)(?:{Words(Lexicon.Union(l => l.DownLabels))}){Lead}(?:(?:{Fillers}){Lead}){{0,2}}|(?<![\w)])(?:b|q2|phq-?2?[ \t]*b|item[ \t]*2)[ \t]*[:=)][ \t]*|(?<!\w)q2[ \t]+)(?<v>{Phq2Value})(?!\w){RangeTail}");

    /// <summary>
    /// "Frage 1: 2, Frage 2: 3", "question 2 - 0", or a list of lines "1) 2" and "2) 1" under the pain and the mood: the
    /// PHQ-2 items by their number, read only once pain and mood are read by their labels (otherwise "question 1" or
    /// "1) 5" may be the pain). A list line holds nothing but the number and the answer.
    /// </summary>
    public static Regex NumberedFirst { get; } = Numbered(1);

    public static Regex NumberedSecond { get; } = Numbered(2);

    private static Regex Numbered(int item) => Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.QuestionWords))})[ \t]*(?:n[°º.]?|nr\.?|#)?[ \t]*{item}[ \t]*[:=)\-\u2013][ \t]*(?<v>{Phq2Value})(?!\w){RangeTail}"
        + $@"|(?:^|(?<=\n))[ \t]*{item}[ \t]*[:=).\-\u2013][ \t]*(?<v>{Phq2Value})(?!\w)[ \t.]*(?=\n|$)");

    /// <summary>"1 2", "0, 3" on a line of their own: the two PHQ-2 items in order.</summary>
    public static Regex Phq2Pair { get; } = Pattern(@"^\W*(?<a>\d)\s*[ ,;/]\s*(?<b>\d)\W*$");

    private static readonly string Phq2Options = Words(Phq2OptionValue.Keys);

    /// <summary>"nearly every day for both", "pour les deux : plusieurs jours": one PHQ-2 answer for both items.</summary>
    public static Regex Phq2Both { get; } = Phq2Frame(l => l.Phq2Both);

    /// <summary>"several days for the first one": item 1 without its label; <see cref="Phq2Second"/> item 2.</summary>
    public static Regex Phq2First { get; } = Phq2Frame(l => l.Phq2First);

    public static Regex Phq2Second { get; } = Phq2Frame(l => l.Phq2Second);

    private static Regex Phq2Frame(Func<Lexicon, IEnumerable<string>> frame) => new(
        $@"(?<v>{Phq2Options})[ \t]*[,:]?[ \t]*{Words(Lexicon.Union(frame))}|{Words(Lexicon.Union(frame))}[ \t]*[,:=\-]?[ \t]*(?<v>{Phq2Options})");
}
