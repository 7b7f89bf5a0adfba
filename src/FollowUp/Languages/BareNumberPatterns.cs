using System.Text.RegularExpressions;
using static FollowUp.Languages.LexiconPatterns;
using static FollowUp.Languages.AnswerParts;

namespace FollowUp.Languages;

/// <summary>
/// A pain given without its label: a score ("2/10"), a number opening or closing a line ("7 - stiff after the
/// weekend", "better than last time, 4"), hedged ("je dirais 3"), approximate ("un 6 más o menos"), after "today",
/// or a weak number word alone on the first line.
/// </summary>
internal static class BareNumberPatterns
{
    /// <summary>A score without a label: "2/10", "five out of ten", "7 sur 10".</summary>
    public static Regex Score { get; } = Pattern($@"(?<!\w){NotScale}(?<v>{AnyNumber}){Suffix}{OutOf}{RangeTail}");

    /// <summary>
    /// A line that opens with the number: "7 - stiff after the weekend", "about 6 today", "6ish", "a 4 today",
    /// "Sechs, etwas besser". A comment may follow a separator; without one only a word like "today" may, or an item
    /// already read ("4ish mood ok": the mood's label is the separator).
    /// </summary>
    public static Regex NumberFirst { get; } = Pattern(
        $@"^[\s""'(*]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{HeadNumber}){Suffix}(?:{OutOf})?{RangeTail}(?:[ \t]+(?:{Fillers}))*(?<rest>[ \t]+(?=\u0002)|\s*(?:$|(?:[\-\u2013\u2014:,.;!)(]|/(?![ \t]*\d)|[\p{{So}}\p{{Cs}}\uFE0F\u200D]+)\s*(?<comment>.*)))");

    /// <summary>
    /// "ça va mieux, je dirais 3", "direi un 6", "ich würde sagen 5": a hedged number anywhere in a sentence is the
    /// pain (a label before it is read first, by <see cref="PainPatterns.Pain"/> or <see cref="MoodPatterns.Mood"/>).
    /// </summary>
    public static Regex Hedged { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Hedges))})[ \t]*[:,]?[ \t]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{LabelledNumber})(?!\w){Suffix}(?:{OutOf})?{RangeTail}");

    /// <summary>
    /// "tres", "otto", "três": a number word that is also a word elsewhere, alone on the reply's first line, is the
    /// answer; anywhere else (a signature "Otto", French "très") it is a word.
    /// </summary>
    public static Regex LoneNumber { get; } = Pattern(
        $@"^[\s""'(*]*(?<v>{Words(NumberWords.Keys.Except(StrongNumberWords))})[ \t]*[.!]*[ \t]*$");

    private static readonly string Approximate = Words(Lexicon.Union(l => l.ApproximateSuffixes));

    /// <summary>
    /// "I'm at 4.", "hoy tengo un 7, re contracturada", "'k zit aan 7", "dói a 6", "it's a 5 today but manageable": a
    /// number after words that state the level is the pain, when a pause, a filler, a time of day or "but" follows it
    /// ("it's a 5 star clinic" is no answer).
    /// </summary>
    public static Regex AtLevel { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.AtLevel))})[ \t]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{LabelledNumber})(?!\w){Suffix}(?:{OutOf})?{RangeTail}"
        + $@"(?=[ \t]*(?:$|[.,;:!?)(\n\-\u2013\u2014]|[\p{{So}}\p{{Cs}}\uFE0F]|(?:{Fillers}|{Words(Lexicon.Union(l => l.Now.Concat(l.TimesOfDay).Concat(l.But).Concat(l.And).Concat(l.ApproximateSuffixes)))})))");

    /// <summary>
    /// "Pues un 6 más o menos, …", "so 4 or so", "ik zou zeggen 3 ongeveer": an unlabelled number with "about" after it,
    /// opening a sentence (after nothing but filler words), is the pain wherever the sentence stands.
    /// </summary>
    public static Regex Approximately { get; } = Pattern(
        $@"(?:^|(?<=[.!?;,][ \t]*))[ \t""'(*]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{Digits}|{Words(StrongNumberWords)})(?!\w)[ \t]+(?:{Approximate})(?!\w)", Options | RegexOptions.Multiline);

    /// <summary>
    /// "Oggi sei.", "Heute acht.", "Ieri 6, oggi 4.": a number (also a word that is a word elsewhere) right after
    /// "today" at the head of a sentence and before its end is this week's answer.
    /// </summary>
    public static Regex NowNumber { get; } = Pattern(
        $@"(?:^|(?<=[.!?;,][ \t]*))[ \t""'(*]*(?:{Words(Lexicon.Union(l => l.Now))})[ \t]*[:,\-]?[ \t]*(?<v>{LabelledNumber})(?!\w)(?=[ \t]*(?:[.!;,]|$))", Options | RegexOptions.Multiline);

    /// <summary>
    /// A line that ends with the number after a comment and a comma or dash: "better than last time, 4", "mejor que la
    /// última vez, un 3", or a sentence that does ("Mejor que la última vez, un 3. Ánimo bien."; <c>end</c> is where
    /// it ends). The comment is checked by the reader: no digits, no label.
    /// </summary>
    public static Regex NumberLast { get; } = Pattern(
        $@"^(?<comment>[^\d\n]*\p{{L}}[^\d\n]*?)[ \t]*[,\-\u2013\u2014][ \t]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{LabelledNumber}){Suffix}(?:{OutOf})?(?<end>[ \t]*[.!;,]*[ \t]*$|[ \t]*[.!;,]+[ \t]+(?=\S))");

    /// <summary>A comment ending in a thing counted ("I took ibuprofen"), unless it compares with an earlier time.</summary>
    public static Regex EndsInAUnit { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Units))})[ \t.!]*$");

    public static Regex ComparesWithBefore { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Comparatives.Concat(l.Past).Concat(l.SameAsBefore)))})(?!\w)");
}
