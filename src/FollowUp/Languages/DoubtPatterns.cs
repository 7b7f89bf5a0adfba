using System.Text.RegularExpressions;
using static FollowUp.Languages.LexiconPatterns;
using static FollowUp.Languages.AnswerParts;

namespace FollowUp.Languages;

/// <summary>
/// What makes the numbers doubtful once the answer is read, and what is set aside first: a number taken back and
/// corrected, a range or a choice, a comparison, an earlier value, a second number at another time of day, any number
/// left over, "same as before" without a number.
/// </summary>
internal static class DoubtPatterns
{
    /// <summary>
    /// "5, no sorry 6", "4 - äh nein, 5", "3 enfin 4", "6, digo 5": a number taken back, the correction and the number
    /// meant, also on the next line ("Pain 6" then "Sorry meant 5!"). Only a correction between the two, the number meant
    /// right after it: "5 or 6" and "5, sorry, maybe 6" are refused.
    /// </summary>
    public static Regex Correction { get; } = Pattern(
        $@"(?<!\w)(?:{LabelledNumber})(?!\w)[ \t]*[,.;\-\u2013\u2014\u2026]*[ \t]*\n?[ \t]*(?:{Words(Lexicon.Union(l => l.Corrections))})(?:[ \t]*[,.;:!\-\u2013\u2014\u2026]*[ \t]*(?:{Words(Lexicon.Union(l => l.Corrections))}))*[ \t]*[,.;:!\-\u2013\u2014\u2026]*[ \t]*(?=(?:{LabelledNumber})(?!\w))");

    /// <summary>
    /// A correction word right before a number nothing read ("drei, sorry, ich meine acht" when the correction was not
    /// taken back as a whole): the number meant may be that one, whatever word it is.
    /// </summary>
    public static Regex CorrectedNumber { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Corrections))})[ \t]*[,.;:!\-\u2013\u2014\u2026]*[ \t]*(?:{AnyNumber})(?!\w)");

    public static Regex Between { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Between))})\s+(?:{AnyNumber})(?!\w)\s*(?:{Words(Lexicon.Union(l => l.Alternatives))})\s*(?:{AnyNumber})(?!\w)");

    /// <summary>"5 or 6", "3-4", "één-twee": two numbers joined, whatever words they are ("2/10" is a score, not this).</summary>
    public static Regex Alternative { get; } = Pattern(
        $@"(?<!\w)(?:{AnyNumber})(?!\w)[ \t]*(?:{Words(Lexicon.Union(l => l.Alternatives))})[ \t]*(?:{LabelledNumber})(?!\w)");

    public static Regex Comparative { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Comparatives))})\s+(?:(?:{Fillers})\s+)?(?:{AnyNumber})(?!\w)");

    public static Regex SameAsBefore { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.SameAsBefore))})(?!\w)");

    private static readonly string PastWords = Words(Lexicon.Union(l => l.Past));

    /// <summary>
    /// An earlier value beside this week's: "(was 7 before the course)", "(gestern 6)", "yesterday 6", "8 before the course".
    /// Only numbers nothing else has read: "pain was 3" is the pain.
    /// </summary>
    public static Regex PastValue { get; } = Pattern(
        $@"\((?=[^()\n]*{PastWords})[^()\n\d]*?(?<!\w)(?:{AnyNumber})(?!\w)[^()\n\d]*\)|{PastWords}[ \t:]*(?:(?:{Fillers})[ \t]+){{0,2}}(?:{StrongNumber})(?!\w)|(?<!\w)(?:{StrongNumber})(?!\w)[ \t]+{PastWords}");

    /// <summary>
    /// "one in the evening", "eins am Abend": a number word (one that counts only after a label among them) right before a
    /// time of day, once everything read is taken out: a second pain of the same day, never read, always doubted. Not a
    /// time of day then the word: "abends ein bisschen steif", "ce soir un peu mieux" are articles.
    /// </summary>
    public static Regex NumberAtATimeOfDay { get; } = Pattern(
        $@"(?<!\w)(?:{Words(NumberWords.Keys)})(?!\w)[ \t]+(?:{Words(Lexicon.Union(l => l.TimesOfDay))})(?!\w)");

    /// <summary>A number anywhere, for what is left once everything read is taken out.</summary>
    public static Regex LooseNumber { get; } = Pattern($@"(?<!\w)(?:{StrongNumber})(?!\w)");
}
