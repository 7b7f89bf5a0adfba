using System.Text.RegularExpressions;

namespace FollowUp.Languages;

/// <summary>
/// The language files turned into the patterns that read an answer, built once from every answering language
/// together: patients mix languages, and a reply is read whatever the patient's setting. Text is matched folded
/// (<see cref="Lexicon.Fold"/>).
/// </summary>
internal static class ReplyPatterns
{
    private const RegexOptions Options = RegexOptions.CultureInvariant;

    /// <summary>
    /// Compiled to IL only under this length. A longer pattern (the number words of seven languages inside a label's
    /// pattern run to 10 000-20 000 characters) compiles to a method so large that the JIT gives up optimising it, and
    /// then runs 3-15 times slower than the interpreter (measured over the corpus: Pain 80 us compiled, 6 us interpreted).
    /// </summary>
    private const int CompiledBelow = 3000;

    /// <summary>A reply pattern, compiled when that makes it faster (<see cref="CompiledBelow"/>).</summary>
    internal static Regex Pattern(string pattern, RegexOptions options = Options) =>
        new(pattern, pattern.Length < CompiledBelow ? options | RegexOptions.Compiled : options);

    /// <summary>Folded number word to its value, every answering language.</summary>
    public static IReadOnlyDictionary<string, int> NumberWords { get; } = Lexicon.Answering
        .SelectMany(l => l.Numbers.SelectMany(n => n.Value.Select(w => (Word: Lexicon.Fold(w), Value: int.Parse(n.Key, System.Globalization.CultureInfo.InvariantCulture)))))
        .Concat(Lexicon.Answering.SelectMany(l => l.LabelOnlyZero.Select(w => (Word: Lexicon.Fold(w), Value: 0))))
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

    public static IReadOnlyDictionary<string, string> MoodWordMeaning { get; } = Lexicon.Answering
        .SelectMany(l => l.MoodWords.Concat(l.MoodAlone).SelectMany(m => m.Value.Select(w => (Word: Lexicon.Fold(w), Meaning: m.Key))))
        .DistinctBy(p => p.Word).ToDictionary(p => p.Word, p => p.Meaning, StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, int> Phq2OptionValue { get; } = Lexicon.Answering
        .SelectMany(l => l.Phq2Options.SelectMany(o => o.Value.Select(w => (Word: Lexicon.Fold(w), Value: int.Parse(o.Key, System.Globalization.CultureInfo.InvariantCulture)))))
        .DistinctBy(p => p.Word).ToDictionary(p => p.Word, p => p.Value, StringComparer.Ordinal);

    // A number as written: digits (a decimal is caught to be refused, not read) or a word for 0-10. Words that are
    // also articles or other words ("un", "een", "keine", "tres") count only where nothing follows them but punctuation.
    private static readonly string Digits = @"(?<!\d)\d+(?:[.,]\d+)?(?!\d)";
    private static readonly string WeakNumber = $@"{Words(NumberWords.Keys.Except(StrongNumberWords))}(?=[ \t]*(?:[.,;:!?)\n]|$))";
    private static readonly string AnyNumber = $@"{Digits}|{Words(NumberWords.Keys)}";
    private static readonly string StrongNumber = $@"{Digits}|{Words(StrongNumberWords)}";
    // At the head of a line a weak word is a number only before a separator ("uno - better", "sei su 10"), never
    // alone: a line "Otto" is a signature.
    private static readonly string HeadNumber = $@"{Digits}|{Words(StrongNumberWords)}|{Words(NumberWords.Keys.Except(StrongNumberWords))}(?=[ \t]*[\-\u2013:,])";
    private static readonly string LabelledNumber = $@"{Digits}|{Words(StrongNumberWords)}|{WeakNumber}";
    private static readonly string OutOfWords = Words(Lexicon.Union(l => l.OutOf));
    // "un sur 10", "um em 10": the 10 is the scale, never the value.
    private static readonly string NotScale = $@"(?<!(?:\d|{Words(NumberWords.Keys)})[ \t]*(?:/|[ \t]{OutOfWords})[ \t]*)";
    private static readonly string Fillers = Words(Lexicon.Union(l => l.Fillers.Concat(l.Hedges)));
    private static readonly string OutOf = $@"(?:[ \t]*/[ \t]*|[ \t]+{OutOfWords}[ \t]+)(?<den>\d+|{Words(NumberWords.Keys)})(?!\w)";
    private static readonly string Suffix = @"(?:[ \t]?-?[ \t]?ish(?!\w))?";
    private static readonly string Range = $@"(?<range>[ \t]*(?:{Words(Lexicon.Union(l => l.Alternatives))})[ \t]*(?:{LabelledNumber})(?!\w))?";
    private static readonly string Lead = @"[ \t:=,\-\u2013]*";
    private static readonly string MoodValue = $@"{Words(MoodWordMeaning.Keys)}|{NotScale}(?:{LabelledNumber})";
    private static readonly string Phq2Value = $@"{Words(Phq2OptionValue.Keys)}|(?<!\d)\d+(?!\d)|{Words(StrongNumberWords)}|{WeakNumber}";

    /// <summary>"pain is about a 6/10", "Schmerzen: fünf", "dolor en 3 o 4": label, a few filler words, the number.</summary>
    public static Regex Pain { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.PainLabels))}){Lead}(?:(?:{Fillers}){Lead}){{0,4}}{NotScale}(?<v>{LabelledNumber}){Suffix}(?:{OutOf})?{Range}");

    public static Regex Mood { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.MoodLabels))}){Lead}(?:(?:{Fillers}|{Words(Lexicon.Union(l => l.Intensifiers))}){Lead}){{0,4}}(?<v>{MoodValue})(?!\w){Suffix}(?:{OutOf})?{Range}");

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
    /// "5, no sorry 6", "4 - äh nein, 5", "3 enfin 4", "6, digo 5": a number taken back, the correction and the number
    /// meant. Only a correction between the two, the number meant right after it: "5 or 6" and "5, sorry, maybe 6" are refused.
    /// </summary>
    public static Regex Correction { get; } = Pattern(
        $@"(?<!\w)(?:{LabelledNumber})(?!\w)[ \t]*[,.;\-\u2013\u2014\u2026]*[ \t]*(?:{Words(Lexicon.Union(l => l.Corrections))})[ \t]*[,.;:!\-\u2013\u2014\u2026]*[ \t]*(?=(?:{LabelledNumber})(?!\w))");

    /// <summary>
    /// "douleur faible, à peu près 2", "A dor melhorou bastante, tá uns 2", "Schmerzen a bisserl, sag ma 2": a pain
    /// label, a few words about it (no number, no other label, no earlier time), a comma, then the number.
    /// </summary>
    public static Regex PainRemark { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.PainLabels))})(?:[ \t]+(?!{NotRemark})[\p{{L}}'\-]+){{1,3}}[ \t]*,[ \t]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{LabelledNumber})(?!\w){Suffix}(?:{OutOf})?{Range}");

    private static string NotRemark => $@"(?:{Words(Lexicon.Union(l => l.MoodLabels.Concat(l.PainLabels).Concat(l.InterestLabels).Concat(l.DownLabels).Concat(l.Past).Concat(l.SameAsBefore).Concat(l.Now)))}|{Words(NumberWords.Keys)})(?!\w)";

    /// <summary>"the other two", "les deux autres": the check-in's other questions by their count, no answer in the count.</summary>
    public static Regex OtherQuestions { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.OtherQuestions))})(?!\w)");

    /// <summary>
    /// "Pour les deux autres questions : plusieurs jours et jamais", "the other two: not at all and several days": the two
    /// PHQ-2 answers in the order the check-in asks them, after the words for those questions.
    /// </summary>
    public static Regex Phq2Others { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.OtherQuestions))})(?:[ \t]+\p{{L}}+)?[ \t]*[:,\-\u2013]?[ \t]*(?<a>{Words(Phq2OptionValue.Keys)})[ \t]*(?:[,;/]|[ \t](?:{Words(Lexicon.Union(l => l.And))}))[ \t]*(?<b>{Words(Phq2OptionValue.Keys)})(?!\w)");

    /// <summary>A mood label with nothing read after it: said, but not in words we know.</summary>
    public static Regex MoodLabel { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.MoodLabels))})(?!\w)");

    /// <summary>A pain label opening the text, with its colon: "Pain: …".</summary>
    public static Regex PainLabelFirst { get; } = Pattern($@"^[ \t]*(?:{Words(Lexicon.Union(l => l.PainLabels))})[ \t]*:");

    public static Regex PainLabel { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.PainLabels))})(?!\w)");

    // PHQ-2 by the check-in's own labels ("interest 0, down 1") in any language, or by letters ("a: 1", "Q1 2").
    public static Regex Interest { get; } = Pattern(
        $@"(?:(?<!\w)(?:{Words(Lexicon.Union(l => l.InterestLabels))}){Lead}(?:(?:{Fillers}){Lead}){{0,2}}|(?<![\w)])(?:a|q1|phq-?2?[ \t]*a|item[ \t]*1)[ \t]*[:=)][ \t]*|(?<!\w)q1[ \t]+)(?<v>{Phq2Value})(?!\w){Range}");

    public static Regex Down { get; } = Pattern(
        $@"(?:(?<!\w)(?:{Words(Lexicon.Union(l => l.DownLabels))}){Lead}(?:(?:{Fillers}){Lead}){{0,2}}|(?<![\w)])(?:b|q2|phq-?2?[ \t]*b|item[ \t]*2)[ \t]*[:=)][ \t]*|(?<!\w)q2[ \t]+)(?<v>{Phq2Value})(?!\w){Range}");

    /// <summary>"1 2", "0, 3" on a line of their own: the two PHQ-2 items in order.</summary>
    public static Regex Phq2Pair { get; } = Pattern(@"^\W*(?<a>\d)\s*[ ,;/]\s*(?<b>\d)\W*$");

    public static Regex NoPain { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.NoPain))})(?!\w)(?!\s+(?:{Words(Lexicon.Union(l => l.Units))}))");

    /// <summary>A score without a label: "2/10", "five out of ten", "7 sur 10".</summary>
    public static Regex Score { get; } = Pattern($@"(?<!\w){NotScale}(?<v>{AnyNumber}){Suffix}{OutOf}{Range}");

    /// <summary>
    /// A line that opens with the number: "7 - stiff after the weekend", "about 6 today", "6ish", "a 4 today",
    /// "Sechs, etwas besser". A comment may follow a separator; without one only a word like "today" may, or an item
    /// already read ("4ish mood ok": the mood's label is the separator).
    /// </summary>
    public static Regex NumberFirst { get; } = Pattern(
        $@"^[\s""'(*]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{HeadNumber}){Suffix}(?:{OutOf})?{Range}(?:[ \t]+(?:{Fillers}))*(?<rest>[ \t]+(?=\u0002)|\s*(?:$|(?:[\-\u2013\u2014:,.;!)(]|/(?![ \t]*\d)|[\p{{So}}\p{{Cs}}\uFE0F\u200D]+)\s*(?<comment>.*)))");

    /// <summary>
    /// "ça va mieux, je dirais 3", "direi un 6", "ich würde sagen 5": a hedged number anywhere in a sentence is the
    /// pain (a label before it is read first, by <see cref="Pain"/> or <see cref="Mood"/>).
    /// </summary>
    public static Regex Hedged { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Hedges))})[ \t]*[:,]?[ \t]*(?:(?:{Fillers}){Lead}){{0,3}}{NotScale}(?<v>{LabelledNumber})(?!\w){Suffix}(?:{OutOf})?{Range}");

    /// <summary>
    /// "tres", "otto", "três": a number word that is also a word elsewhere, alone on the reply's first line, is the
    /// answer; anywhere else (a signature "Otto", French "très") it is a word.
    /// </summary>
    public static Regex LoneNumber { get; } = Pattern(
        $@"^[\s""'(*]*(?<v>{Words(NumberWords.Keys.Except(StrongNumberWords))})[ \t]*[.!]*[ \t]*$");

    private static readonly string Approximate = Words(Lexicon.Union(l => l.ApproximateSuffixes));

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

    public static Regex Between { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Between))})\s+(?:{AnyNumber})(?!\w)\s*(?:{Words(Lexicon.Union(l => l.Alternatives))})\s*(?:{AnyNumber})(?!\w)");

    /// <summary>"5 or 6", "3-4", "één-twee": two numbers joined, whatever words they are ("2/10" is a score, not this).</summary>
    public static Regex Alternative { get; } = Pattern(
        $@"(?<!\w)(?:{AnyNumber})(?!\w)[ \t]*(?:{Words(Lexicon.Union(l => l.Alternatives))})[ \t]*(?:{LabelledNumber})(?!\w)");

    public static Regex Comparative { get; } = Pattern(
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Comparatives))})\s+(?:(?:{Fillers})\s+)?(?:{AnyNumber})(?!\w)");

    public static Regex SameAsBefore { get; } = Pattern($@"(?<!\w)(?:{Words(Lexicon.Union(l => l.SameAsBefore))})(?!\w)");

    private static readonly string Phq2Options = Words(Phq2OptionValue.Keys);

    /// <summary>"nearly every day for both", "pour les deux : plusieurs jours": one PHQ-2 answer for both items.</summary>
    public static Regex Phq2Both { get; } = Phq2Frame(l => l.Phq2Both);

    /// <summary>"several days for the first one": item 1 without its label; <see cref="Phq2Second"/> item 2.</summary>
    public static Regex Phq2First { get; } = Phq2Frame(l => l.Phq2First);

    public static Regex Phq2Second { get; } = Phq2Frame(l => l.Phq2Second);

    private static Regex Phq2Frame(Func<Lexicon, IEnumerable<string>> frame) => new(
        $@"(?<v>{Phq2Options})[ \t]*[,:]?[ \t]*{Words(Lexicon.Union(frame))}|{Words(Lexicon.Union(frame))}[ \t]*[,:=\-]?[ \t]*(?<v>{Phq2Options})");

    private static readonly string PastWords = Words(Lexicon.Union(l => l.Past));

    /// <summary>
    /// An earlier value beside this week's: "(was 7 before the course)", "(gestern 6)", "yesterday 6", "8 before the course".
    /// Only numbers nothing else has read: "pain was 3" is the pain.
    /// </summary>
    public static Regex PastValue { get; } = Pattern(
        $@"\((?=[^()\n]*{PastWords})[^()\n\d]*?(?<!\w)(?:{AnyNumber})(?!\w)[^()\n\d]*\)|{PastWords}[ \t:]*(?:(?:{Fillers})[ \t]+){{0,2}}(?:{StrongNumber})(?!\w)|(?<!\w)(?:{StrongNumber})(?!\w)[ \t]+{PastWords}");

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

    /// <summary>
    /// "one in the evening", "eins am Abend": a number word (one that counts only after a label among them) right before a
    /// time of day, once everything read is taken out: a second pain of the same day, never read, always doubted. Not a
    /// time of day then the word: "abends ein bisschen steif", "ce soir un peu mieux" are articles.
    /// </summary>
    public static Regex NumberAtATimeOfDay { get; } = Pattern(
        $@"(?<!\w)(?:{Words(NumberWords.Keys)})(?!\w)[ \t]+(?:{Words(Lexicon.Union(l => l.TimesOfDay))})(?!\w)");

    /// <summary>A number anywhere, for what is left once everything read is taken out.</summary>
    public static Regex LooseNumber { get; } = Pattern($@"(?<!\w)(?:{StrongNumber})(?!\w)");

    /// <summary>Numbers that are not answers: dates, times, phone numbers, addresses, amounts, counts of things.</summary>
    public static PatternList NotAnAnswer { get; } = new((string[])
    [
        @"\S+@\S+\.\S+", @"(?:https?://|www\.)\S+",
        @"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)", @"(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d)", @"(?<!\d)\d{1,2}\.\d{1,2}\.(?!\d)",
        $@"(?<!\d)\d{{1,2}}(?:st|nd|rd|th|er|e|eme|º|ª|°|\.)?\s*(?:de\s+)?(?:{Words(Lexicon.Union(l => l.Months))})\.?(?!\w)",
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Months))})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)",
        // "Friday 20th", "el viernes 20", "am Freitag, den 20.", "sexta-feira dia 20": a weekday then a day is a date.
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Weekdays))})\.?,?[ \t]+(?:(?:the|den|der|dia|de|le|el|il|o)[ \t]+)?\d{{1,2}}(?:st|nd|rd|th|er|e|º|ª|°|\.)?(?!\d)",
        // "from 12 to 19 December", "du 12 au 19 décembre": the first day of a span of dates, before the date itself.
        $@"(?<!\d)\d{{1,2}}(?:st|nd|rd|th|er|e|º|\.)?[ \t]*(?:{Words(Lexicon.Union(l => l.Until))})[ \t]*\d{{1,2}}(?:st|nd|rd|th|er|e|eme|º|ª|°|\.)?\s*(?:de\s+)?(?:{Words(Lexicon.Union(l => l.Months))})\.?(?!\w)",
        // "18/12", "28-11", "14.12": a day above 10 and a month; a pain never is more than 10 ("3/12" stays doubtful).
        @"(?<![\d/.,-])(?:1[1-9]|2\d|3[01])[./-](?:0?[1-9]|1[0-2])(?![\d/-]|[.,]\d)",
        @"(?<!\d)\d{1,2}\s?[:h]\s?\d{2}(?!\d)",
        // "om 10.15", "alle 9.30": a time written with a dot (two digits after it: "6.5" stays a refused decimal).
        @"(?<![\d.,])(?:[01]?\d|2[0-3])\.[0-5]\d(?![\d.,])",
        // "4.º", "2.ª": a floor or an ordinal in an address.
        @"(?<!\d)\d{1,2}\.[ºª°]", $@"(?<!\d)\d{{1,2}}[ \t]?(?:{Words(Lexicon.Union(l => l.TimeWords))})(?!\w)",
        @"(?<!\d)\d{1,2}(?:st|nd|rd|th|er|eme|º|ª)(?!\w)",
        $@"(?<!\w)(?:{StrongNumber})[ \t]?(?:{Words(Lexicon.Union(l => l.Units))})(?!\w)",
        @"[€$£]\s?\d+", $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Streets))})\.?\s*\d+\w?", $@"(?<!\d)\d+\w?,?[ \t]+(?:{Words(Lexicon.Union(l => l.Streets))})(?!\w)",
        @"(?:#|(?<!\w)(?:n°|no\.|nr\.?|nº))[ \t]?\d+(?:[\-/.]\d+)*",
        // "in meetings since 8", "seit 9", "depuis 8": an hour.
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Since))})[ \t]+\d{{1,2}}(?![\d\w]|[.,:]\d)",
        @"(?<!\d)(?:19|20)\d{2}(?!\d)",
        // "Kerkstraat 12", "Bahnhofstraße 5": one-word street names; postcodes and anything of four digits or more
        // ("75002 Paris", "1017 GC", "1100-148 Lisboa") can never be a 0-10 answer.
        $@"(?<!\w)\w{{2,}}(?:{string.Join('|', Lexicon.Union(l => l.StreetSuffixes).Select(Regex.Escape))})[ \t]*\d{{1,4}}\w?(?!\w)",
        @"(?<![\d.,])\d{4}-\d{3}(?!\d)",
        // "I took 2 Nurofen", "j'ai pris 2 Doliprane", "preso 1 Brufen": a count of pills, whatever the brand.
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Taking))})[ \t]+(?:\p{{L}}+[ \t]+)?(?:{StrongNumber})(?!\w)",
        // Sums and code ("1=1", "2+2"): not a patient's answer.
        @"'?(?<!\w)\d+'?[ \t]*[=<>+*^][ \t]*'?\d+'?(?!\w)",
    ], Options);

    /// <summary>
    /// A street and its name before the house number, on the text as written, the name capitalised: "Calle Mayor 15",
    /// "Via Roma 44", "Rua Augusta 100", "Avenida da Liberdade 25". Lower-case words after "way" or "close" are a
    /// sentence ("close to 4"), not an address.
    /// </summary>
    public static Regex NamedStreet { get; } = Pattern(
        $@"(?<!\w)(?i:{StreetWords})\.?(?:[ \t]+(?:d[aeiou]s?|de[l]?|della|del|di|van|von|der|den|la|le|du|des|do)?[ \t]*\p{{Lu}}[\p{{L}}'\-]*){{1,3}},?[ \t]+\d{{1,4}}\w?(?!\w)"
        + $@"|(?<!\w)\d{{1,4}}\w?,?(?:[ \t]+\p{{Lu}}[\p{{L}}'\-]*){{1,3}}[ \t]+(?i:{StreetWords})(?!\w)", RegexOptions.CultureInvariant);

    private static string StreetWords => Words(Lexicon.All.SelectMany(l => l.Streets).Concat(Lexicon.Union(l => l.Streets)).Where(s => s.Length > 1).Distinct(StringComparer.Ordinal));

    /// <summary>
    /// Three digits or more, once phone numbers are out: a dose ("Ibuprofen 400"), a postcode or a reference, never a
    /// 0-10 answer. Not after a number and "/" or "out of": "6/100" is a score on another scale, to be refused, not a
    /// 6 ("Ben-u-ron de 500" is a dose).
    /// </summary>
    public static Regex LongNumber { get; } = Pattern($@"(?<![\d.,])(?<!(?:\d|{Words(NumberWords.Keys)})[ \t]*(?:/|[ \t]{OutOfWords})[ \t]*)\d{{3,}}(?:[\-/]\d+)*(?!\d|[.,]\d)");

    /// <summary>A phone number: seven digits or more, with the spaces, dots and brackets people put in.</summary>
    public static Regex Phone { get; } = Pattern(@"(?<![\w+])\+?\(?\d[\d ().\-/]{5,}\d(?!\w)");

    /// <summary>Lines of the check-in itself (English and every language file's wording), which only quoted history contains.</summary>
    public static IReadOnlyList<string> CheckInLines { get; } =
        Schedules.Questions.AllLanguages().Select(l => Lexicon.Fold(l).Trim()).Where(l => l.Length > 20)
            .Concat(Lexicon.Answering.SelectMany(l => l.Nrs.Values.Concat(l.Phq2.Values)).Select(Lexicon.Fold))
            .Distinct(StringComparer.Ordinal).ToList();

    private static readonly System.Buffers.SearchValues<string> CheckInLineValues = System.Buffers.SearchValues.Create([.. CheckInLines], StringComparison.Ordinal);

    /// <summary>Whether a folded line holds a line of the check-in (all of them searched at once).</summary>
    public static bool IsCheckInLine(string foldedLine) => foldedLine.AsSpan().IndexOfAny(CheckInLineValues) >= 0;

    /// <summary>
    /// Entries as one alternative, whole words only where they begin or end with a letter; a space matches spaces and
    /// tabs. Written as a trie ("pain", "painful", "pijn" as <c>p(?:ain(?:ful(?!\w)|(?!\w))|ijn(?!\w))</c>): at each
    /// position the engine follows one branch per letter instead of trying every entry, which is what makes reading a
    /// reply cheap (hundreds of entries per pattern, seven languages). The longest entry is still tried first, and a
    /// shorter one when the rest of the pattern fails after the longer, as with the entries listed longest first.
    /// </summary>
    internal static string Words(IEnumerable<string> entries)
    {
        var root = new TrieNode();
        foreach (var e in entries.Where(e => e.Length > 0))
        {
            var node = root;
            foreach (var c in e) node = node.Child(c == '\t' ? ' ' : c);
            node.Ends = true;
            node.Trail |= char.IsLetterOrDigit(e[^1]);
            node.Loose |= !char.IsLetterOrDigit(e[^1]);
        }
        var words = root.Children.Where(c => char.IsLetterOrDigit(c.Key)).Select(c => Branch(c.Key, c.Value)).ToList();
        var others = root.Children.Where(c => !char.IsLetterOrDigit(c.Key)).Select(c => Branch(c.Key, c.Value)).ToList();
        var parts = new List<string>(2);
        if (words.Count > 0) parts.Add(@"(?<!\w)(?:" + string.Join('|', words) + ")");
        if (others.Count > 0) parts.Add(string.Join('|', others));
        return "(?:" + string.Join('|', parts) + ")";
    }

    private static string Branch(char c, TrieNode node) => (c == ' ' ? @"[ \t]+" : Regex.Escape(c.ToString())) + Rest(node);

    private static string Rest(TrieNode node)
    {
        var alternatives = node.Children.Select(c => Branch(c.Key, c.Value)).ToList();
        // An entry ending here is the last choice: every longer entry through this node is tried before it. One ending
        // in a letter must end a word; one ending otherwise ("n.", "-") may be followed by anything.
        if (node.Ends) alternatives.Add(node.Loose ? "" : @"(?!\w)");
        return alternatives.Count switch
        {
            0 => "",
            1 when node.Children.Count == 1 => alternatives[0],
            _ => "(?:" + string.Join('|', alternatives) + ")",
        };
    }

    private sealed class TrieNode
    {
        public SortedDictionary<char, TrieNode> Children { get; } = [];
        public bool Ends { get; set; }
        public bool Trail { get; set; }
        public bool Loose { get; set; }

        public TrieNode Child(char c)
        {
            if (!Children.TryGetValue(c, out var child)) Children[c] = child = new TrieNode();
            return child;
        }
    }
}
