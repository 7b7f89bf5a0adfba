using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace FollowUp.Languages;

/// <summary>
/// One language's words for reading a reply, as a clinician who speaks it can check them: Languages/xx.json,
/// embedded in the assembly and read once. Languages with <see cref="ReadsAnswers"/> false only teach the quote
/// stripping their mail clients' attribution and header lines.
/// </summary>
internal sealed record Lexicon
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public bool ReadsAnswers { get; init; } = true;
    public string[] Sources { get; init; } = [];
    public Dictionary<string, string> Nrs { get; init; } = [];
    public Dictionary<string, string> Phq2 { get; init; } = [];
    public string[] PainLabels { get; init; } = [];
    public string[] MoodLabels { get; init; } = [];
    public string[] InterestLabels { get; init; } = [];
    public string[] DownLabels { get; init; } = [];
    /// <summary>"0".."10" to the words for that number.</summary>
    public Dictionary<string, string[]> Numbers { get; init; } = [];
    /// <summary>Number words that are also articles or names ("ein", "un", "otto"): a number only right after a label.</summary>
    public string[] LabelOnlyNumbers { get; init; } = [];
    /// <summary>"keine", "aucune": zero only right after a pain label ("Schmerzen: keine").</summary>
    public string[] LabelOnlyZero { get; init; } = [];
    public string[] NoPain { get; init; } = [];
    /// <summary>good / okay / low to the words and phrases for it.</summary>
    public Dictionary<string, string[]> MoodWords { get; init; } = [];
    /// <summary>
    /// good / okay / low to phrases that name a mood with no label before them ("fed up", "giù di morale", "bien de
    /// ánimo", "de mauvaise humeur"): nothing else is meant by them. Also mood words after a label.
    /// </summary>
    public Dictionary<string, string[]> MoodAlone { get; init; } = [];
    /// <summary>"0".."3" to the PHQ-2 answer options in that language's validated wording and everyday variants.</summary>
    public Dictionary<string, string[]> Phq2Options { get; init; } = [];
    /// <summary>Words that may stand between a label and its number ("pain is about a 6").</summary>
    public string[] Fillers { get; init; } = [];
    /// <summary>
    /// How people hedge a number they give ("je dirais 3", "diría que un 5", "ich würde sagen 5"): the number after one
    /// is the pain wherever it stands in a sentence, and they may also stand between a label and its number.
    /// </summary>
    public string[] Hedges { get; init; } = [];
    /// <summary>
    /// Words that put a number without a label at the pain's level ("I'm at 4", "tengo un 7", "'k zit aan 7", "dói a 6"):
    /// the number after one is the pain when a pause, a filler or "but" follows it. They may also stand between a label and
    /// its number.
    /// </summary>
    public string[] AtLevel { get; init; } = [];
    /// <summary>"I'm", "estoy", "ik ben": a mood word right after one, closing its clause, is the mood ("I'm a bit low.").</summary>
    public string[] MoodVerbs { get; init; } = [];
    /// <summary>"but" ("it's a 5 today but manageable"): a comment may follow a number after it.</summary>
    public string[] But { get; init; } = [];
    /// <summary>"Frage 1: 2, Frage 2: 3": the word for a numbered question.</summary>
    public string[] QuestionWords { get; init; } = [];
    /// <summary>Words before an hour of the clock ("a las 9", "alle 9", "om 9"): the number after one is a time.</summary>
    public string[] AtHour { get; init; } = [];
    /// <summary>Words joining the two days of a span of dates ("from 12 to 19 December", "du 12 au 19 décembre").</summary>
    public string[] Until { get; init; } = [];
    /// <summary>A word for the day of the month before its number ("el día 12", "o dia 12", "il giorno 12"): a date.</summary>
    public string[] DayOfMonth { get; init; } = [];
    /// <summary>The word joining a rate of doses ("de 8 em 8 horas", "di 8 in 8 ore"): both numbers count hours.</summary>
    public string[] RateJoiners { get; init; } = [];
    /// <summary>Words that may stand before a mood word ("pretty good", "ziemlich gut").</summary>
    public string[] Intensifiers { get; init; } = [];
    /// <summary>Words joining two numbers into a range or a choice ("5 or 6", "3-4").</summary>
    public string[] Alternatives { get; init; } = [];
    public string[] Between { get; init; } = [];
    public string[] OutOf { get; init; } = [];
    /// <summary>Words after a number that say it is about that ("un 6 más o menos", "4 ungefähr", "5 or so").</summary>
    public string[] ApproximateSuffixes { get; init; } = [];
    /// <summary>Words for this week or today ("today", "heute", "oggi"): a number word right after one is this week's answer.</summary>
    public string[] Now { get; init; } = [];
    /// <summary>Times of day ("in the evening", "abends", "le soir"): a number word beside one, left over once the answer
    /// is read, is a second pain of another time of the day ("0 in the morning, one in the evening"), so the pain asks.</summary>
    public string[] TimesOfDay { get; init; } = [];
    public string[] Comparatives { get; init; } = [];
    /// <summary>
    /// How people take back a number they typed ("5, no sorry 6", "4 - äh nein, 5", "3 enfin 4", "6, digo 5"): between
    /// two numbers, the one after counts.
    /// </summary>
    public string[] Corrections { get; init; } = [];
    /// <summary>Words before an hour ("in meetings since 8", "seit 8", "depuis 9"): the number after one is a time.</summary>
    public string[] Since { get; init; } = [];
    /// <summary>The check-in's other questions by their count ("the other two", "les deux autres"): no answer in them.</summary>
    public string[] OtherQuestions { get; init; } = [];
    /// <summary>"and" ("plusieurs jours et jamais"): two answers given in the order of the questions.</summary>
    public string[] And { get; init; } = [];
    public string[] SameAsBefore { get; init; } = [];
    /// <summary>Words that mark a number as an earlier value, not this week's ("was 7", "(gestern 6)", "8 before the course").</summary>
    public string[] Past { get; init; } = [];
    /// <summary>Letter closings ("Kind regards", "Mit freundlichen Grüßen"): a short block after one is a signature.</summary>
    public string[] Closings { get; init; } = [];
    /// <summary>Endings of one-word street names ("Kerkstraat", "Bahnhofstraße"): the number after them is a house number.</summary>
    public string[] StreetSuffixes { get; init; } = [];
    /// <summary>Verbs of taking medicine ("took", "j'ai pris", "preso"): the number after them is a count of pills.</summary>
    public string[] Taking { get; init; } = [];
    /// <summary>"for both", "pour les deux": one PHQ-2 answer given for both items.</summary>
    public string[] Phq2Both { get; init; } = [];
    /// <summary>"for the first one": a PHQ-2 answer for item 1 without its label.</summary>
    public string[] Phq2First { get; init; } = [];
    public string[] Phq2Second { get; init; } = [];
    /// <summary>How auto-responders say the writer is away ("fuori ufficio", "de retour le"), in the first lines of the text.</summary>
    public string[] AwayText { get; init; } = [];
    public string[] Months { get; init; } = [];
    /// <summary>Names of the days of the week: "Friday 20", "el viernes 20", "am Freitag, den 20." are dates.</summary>
    public string[] Weekdays { get; init; } = [];
    public string[] Units { get; init; } = [];
    public string[] Streets { get; init; } = [];
    public string[] TimeWords { get; init; } = [];
    public Attribution Attribution { get; init; } = new();
    /// <summary>from / sent / to / subject / date / cc / replyTo to the labels the language's mail clients write.</summary>
    public Dictionary<string, string[]> HeaderLabels { get; init; } = [];
    public string[] Dividers { get; init; } = [];
    public string[] Signatures { get; init; } = [];
    public string[] AutoReplySubjects { get; init; } = [];
    public string[] Stop { get; init; } = [];
    /// <summary>A request to stop anywhere in the reply, in the first person ("please unsubscribe me", "me désinscrire");
    /// in "melden sie mich … ab" up to four words may stand at the "…".
    /// First person on purpose: the check-in's own footer ("Reply STOP to stop these emails") must never read as one.</summary>
    public string[] OptOut { get; init; } = [];
    /// <summary>"I no longer wish to receive", "je ne souhaite plus recevoir": a request to stop only when a word of
    /// <see cref="MailWords"/> follows within two words ("... these emails"), not "... any more treatment".</summary>
    public string[] OptOutReceive { get; init; } = [];
    public string[] MailWords { get; init; } = [];
    /// <summary>What a therapist writes back to acknowledge an alert ("ACK", "erledigt", "vu"), alone on a line or before a dash, comma or colon.</summary>
    public string[] Ack { get; init; } = [];
    /// <summary>Words that turn an acknowledgement round ("not", "nicht", "pas"): a line holding one never acknowledges.</summary>
    public string[] Negations { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip };

    /// <summary>Every language, English first.</summary>
    public static IReadOnlyList<Lexicon> All { get; } = Load();

    /// <summary>The languages whose answers are read (en, de, fr, es, it, nl, pt).</summary>
    public static IReadOnlyList<Lexicon> Answering { get; } = All.Where(l => l.ReadsAnswers).ToList();

    public static Lexicon? Find(string code) =>
        All.FirstOrDefault(l => string.Equals(l.Code, code, StringComparison.OrdinalIgnoreCase));

    /// <summary>All languages' entries of one field, folded, longest first (so "no pain at all" wins over "no pain").</summary>
    public static string[] Union(Func<Lexicon, IEnumerable<string>> field) =>
        All.SelectMany(l => field(l).SelectMany(l.Spellings)).Select(Fold).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// An entry as written, and in German also as typed without umlauts ("mittelmäßig" as "mittelmaessig", "fünf" as
    /// "fuenf"): the standard transcription (DIN 5007-2) on keyboards and phones without them.
    /// </summary>
    public IEnumerable<string> Spellings(string entry)
    {
        yield return entry;
        if (Code != "de" || entry.AsSpan().IndexOfAny(Umlauts) < 0) yield break;
        yield return entry.Replace("ä", "ae", StringComparison.Ordinal).Replace("ö", "oe", StringComparison.Ordinal).Replace("ü", "ue", StringComparison.Ordinal)
            .Replace("Ä", "Ae", StringComparison.Ordinal).Replace("Ö", "Oe", StringComparison.Ordinal).Replace("Ü", "Ue", StringComparison.Ordinal).Replace("ß", "ss", StringComparison.Ordinal);
    }

    private static readonly System.Buffers.SearchValues<char> Umlauts = System.Buffers.SearchValues.Create("äöüßÄÖÜ");

    /// <summary>Lower case, without accents, with plain quotes and spaces: "Fünf" and "funf", "très" and "tres" meet.</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Replace('\u2019', '\'').Replace('\u2018', '\'').Replace('\u00a0', ' ').Replace('\u202f', ' ')
            .ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) folded.Append(c);
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    private static List<Lexicon> Load()
    {
        var assembly = typeof(Lexicon).Assembly;
        var lexicons = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Languages.", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => Read(assembly, n))
            .OrderBy(l => l.Code == "en" ? 0 : l.ReadsAnswers ? 1 : 2).ThenBy(l => l.Code, StringComparer.Ordinal)
            .ToList();
        return lexicons.Count > 0 ? lexicons : throw new InvalidOperationException("no language files embedded under Languages/");
    }

    private static Lexicon Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        return JsonSerializer.Deserialize<Lexicon>(stream, Json) ?? throw new InvalidOperationException($"{resource} is empty");
    }
}

/// <summary>An attribution line: "On … wrote:" is a start word and an end phrase.</summary>
internal sealed record Attribution
{
    public string[] Starts { get; init; } = [];
    public string[] Ends { get; init; } = [];
}
