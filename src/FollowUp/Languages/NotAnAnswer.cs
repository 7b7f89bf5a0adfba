using System.Text.RegularExpressions;
using static FollowUp.Languages.LexiconPatterns;
using static FollowUp.Languages.AnswerParts;

namespace FollowUp.Languages;

/// <summary>
/// Text that holds numbers but no answer, blanked before anything is read: dates, times, phone numbers, addresses,
/// amounts, doses, counts of things, and the check-in's own lines.
/// </summary>
internal static class NotAnAnswer
{
    /// <summary>Numbers that are not answers: dates, times, phone numbers, addresses, amounts, counts of things.</summary>
    public static PatternList Numbers { get; } = new((string[])
    [
        @"\S+@\S+\.\S+", @"(?:https?://|www\.)\S+",
        @"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)", @"(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d)", @"(?<!\d)\d{1,2}\.\d{1,2}\.(?!\d)",
        $@"(?<!\d)\d{{1,2}}(?:st|nd|rd|th|er|e|eme|º|ª|°|\.)?\s*(?:de\s+)?(?:{Words(Lexicon.Union(l => l.Months))})\.?(?!\w)",
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Months))})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)",
        // "Friday 20th", "el viernes 20", "am Freitag, den 20.", "sexta-feira dia 20": a weekday then a day is a date.
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Weekdays))})\.?,?[ \t]+(?:(?:the|den|der|dia|de|le|el|il|o)[ \t]+)?\d{{1,2}}(?:st|nd|rd|th|er|e|º|ª|°|\.)?(?!\d|\s?[:h]\s?\d)",
        // "from 12 to 19 December", "du 12 au 19 décembre": the first day of a span of dates, before the date itself.
        $@"(?<!\d)\d{{1,2}}(?:st|nd|rd|th|er|e|º|\.)?[ \t]*(?:{Words(Lexicon.Union(l => l.Until))})[ \t]*\d{{1,2}}(?:st|nd|rd|th|er|e|eme|º|ª|°|\.)?\s*(?:de\s+)?(?:{Words(Lexicon.Union(l => l.Months))})\.?(?!\w)",
        // "18/12", "28-11", "14.12": a day above 10 and a month; a pain never is more than 10 ("3/12" stays doubtful).
        @"(?<![\d/.,-])(?:1[1-9]|2\d|3[01])[./-](?:0?[1-9]|1[0-2])(?![\d/-]|[.,]\d)",
        @"(?<!\d)\d{1,2}\s?[:h]\s?\d{2}(?::\d{2})?(?!\d)",
        // "a las 9", "alle 9", "om 9": an hour of the clock.
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.AtHour))})[ \t]+\d{{1,2}}(?!\w|[.,:]\d)",
        // "om 10.15", "alle 9.30": a time written with a dot (two digits after it: "6.5" stays a refused decimal).
        @"(?<![\d.,])(?:[01]?\d|2[0-3])\.[0-5]\d(?![\d.,])",
        // "4.º", "2.ª": a floor or an ordinal in an address.
        @"(?<!\d)\d{1,2}\.[ºª°]", $@"(?<!\d)\d{{1,2}}[ \t]?(?:{Words(Lexicon.Union(l => l.TimeWords))})(?!\w)",
        @"(?<!\d)\d{1,2}(?:st|nd|rd|th|er|eme|º|ª)(?!\w)",
        $@"(?<!\w)(?:{StrongNumber})[ \t]?(?:{Words(Lexicon.Union(l => l.Units))})(?!\w)",
        @"[€$£]\s?\d+", $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Streets))})\.?\s*\d+\w?", $@"(?<!\d)\d+\w?,?[ \t]+(?:{Words(Lexicon.Union(l => l.Streets))})(?!\w)",
        @"(?:#|(?<!\w)(?:n°|no\.|nr\.?|nº))[ \t]?\d+(?:[\-/.]\d+)*",
        // "in meetings since 8", "seit 9", "depuis 8": an hour; "since the 12", "depuis le 12", "desde el día 12": a date.
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.Since))})[ \t]+(?:(?:the|den|dem|de|le|el|il|lo|o)[ \t]+)?(?:(?:{Words(Lexicon.Union(l => l.DayOfMonth))})[ \t]+)?\d{{1,2}}(?![\d\w]|[.,:/\-]\d)",
        // "el día 12": the day alone; "dia 14/12" is left whole to the dates above.
        $@"(?<!\w)(?:{Words(Lexicon.Union(l => l.DayOfMonth))})[ \t]+\d{{1,2}}(?![\d\w]|[.,/\-]\d)",
        // "2 or 3 tablets", "4-6 hours", "de 8 em 8 horas": both numbers of a span or a rate of things counted. Not "and"
        // ("pain 4 and 2 tablets"), and a dash only between the numbers ("Pain 4 - 2 tablets" is a pain and a count).
        $@"(?<!\w)(?:{StrongNumber})(?:[ \t]+(?:{Words(Lexicon.Union(l => l.Alternatives.Concat(l.Until).Concat(l.RateJoiners).Except(l.And).Where(w => char.IsLetter(w[^1]))))})[ \t]+|[\-\u2013/~])(?:{StrongNumber})[ \t]?(?:{Words(Lexicon.Union(l => l.Units))})(?!\w)",
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
}
