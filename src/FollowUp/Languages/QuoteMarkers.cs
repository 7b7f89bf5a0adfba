using System.Text.RegularExpressions;

namespace FollowUp.Languages;

/// <summary>
/// The lines mail clients add around a reply, in every language of Languages/: attribution lines ("On … wrote:",
/// "Op … schreef …:", "W dniu … napisał(a):"), header blocks ("From:/Sent:", "Da:/Inviato:", "Van:/Verzonden:"),
/// dividers ("-----Original Message-----", "Messaggio originale") and phone signatures. Lines are matched folded.
/// </summary>
internal static class QuoteMarkers
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.Compiled;

    private static readonly string Verbs = ReplyPatterns.Words(Lexicon.Union(l => l.Attribution.Ends.Select(e => e.TrimEnd(':', ' '))));

    /// <summary>"-----Original Message-----", "-------- Messaggio originale --------", "---- Dana wrote ----".</summary>
    public static Regex Divider { get; } = new(
        $@"^[\s*]*[-_=*]*\s*{ReplyPatterns.Words(Lexicon.Union(l => l.Dividers))}\s*[-_=*]*\s*:?\s*$|^\s*-{{2,}}.*{Verbs}.*-{{2,}}\s*$", Options);

    private static readonly string[] Signatures = Lexicon.Union(l => l.Signatures);

    /// <summary>"Sent from my iPhone", "Von meinem Samsung Galaxy gesendet": short, no clause. "Sent from my desk, which…" is a sentence.</summary>
    public static bool IsSignature(string folded) =>
        Signatures.Any(s => folded.StartsWith(s.TrimEnd(), StringComparison.Ordinal))
        && !folded.Contains(',', StringComparison.Ordinal) && folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 12;

    private static readonly Dictionary<string, string> HeaderKind = Lexicon.All
        .SelectMany(l => l.HeaderLabels.SelectMany(h => h.Value.Select(v => (Label: Lexicon.Fold(v), Kind: h.Key))))
        .DistinctBy(h => h.Label).ToDictionary(h => h.Label, h => h.Kind, StringComparer.Ordinal);

    // "From: x", "*From:* x", "<b>From:</b> x" after an HTML conversion, indented or not.
    private static readonly Regex HeaderLine = new(
        $@"^\s*\*?\s*(?<label>{ReplyPatterns.Words(HeaderKind.Keys)})\s*\*?\s*:\s*\*?(?:\s|$)", Options);

    private static string? KindOf(string line) =>
        HeaderLine.Match(Lexicon.Fold(line)) is { Success: true } m ? HeaderKind[Regex.Replace(m.Groups["label"].Value, @"\s+", " ")] : null;

    /// <summary>A block of mail headers starting at line i: From/Date/Sent, then another header within four lines, one of them From.</summary>
    public static bool StartsHeaderBlock(string[] lines, int i)
    {
        var first = i < lines.Length ? KindOf(lines[i]) : null;
        if (first is not ("from" or "date" or "sent")) return false;
        var kinds = Enumerable.Range(i + 1, 4).Where(j => j < lines.Length).Select(j => KindOf(lines[j])).OfType<string>().ToList();
        return kinds.Any(k => k != first) && (first == "from" || kinds.Contains("from"));
    }

    private static readonly string[] Starts = Lexicon.All.SelectMany(l => l.Attribution.Starts).Distinct(StringComparer.Ordinal).ToArray();

    private static readonly Regex VerbThenColon = new($@"{Verbs}.*:\s*$|:\s*$", Options);
    private static readonly Regex HasVerb = new(Verbs, Options);
    private static readonly Regex AddressInBrackets = new(@"<[^<>\s]+@[^<>\s]+>|\[mailto:[^\]]+\]", Options);

    /// <summary>
    /// An attribution starting at line i, wrapped over up to three lines, possibly after the patient's own words on
    /// the same line ("Pain 3 On Tue, … wrote:"): the words before it, and the last line it takes.
    /// </summary>
    public static (string Before, int LastLine)? Attribution(string[] lines, int i)
    {
        var joined = lines[i].Trim();
        for (var last = i; last < i + 3 && last < lines.Length; last++)
        {
            if (last > i)
            {
                var next = lines[last].Trim();
                if (next.Length == 0 || next.StartsWith('>')) return null;
                joined += " " + next;
            }
            if (IsAttribution(joined)) return (Before(lines[i]), last);
        }
        return null;
    }

    private static bool IsAttribution(string text)
    {
        var folded = Lexicon.Fold(text);
        if (folded.Length > 400 || !folded.TrimEnd().EndsWith(':') || !folded.Any(c => char.IsDigit(c) || c == '@')) return false;
        // With the verb ("wrote", "schreef", "napisał"), or, in a language we do not list, a date and an address then ":".
        return (HasVerb.IsMatch(folded) && VerbThenColon.IsMatch(folded)) || (AddressInBrackets.IsMatch(folded) && folded.Any(char.IsDigit));
    }

    private static string Before(string line)
    {
        foreach (var start in Starts)
        {
            var at = line.IndexOf(" " + start + " ", StringComparison.Ordinal);
            if (at > 0 && IsAttribution(line[(at + 1)..]) && !IsAttribution(line[..at])) return line[..at].Trim();
        }
        return "";
    }

    private static readonly Regex Question = new(
        $@"^\s*(?<label>{ReplyPatterns.Words(Lexicon.Union(l => l.PainLabels.Concat(l.MoodLabels).Concat(l.InterestLabels).Concat(l.DownLabels)))})\s*:", Options);

    private static readonly Regex AnyLabel = new(
        $@"(?<!\w){ReplyPatterns.Words(Lexicon.Union(l => l.PainLabels.Concat(l.MoodLabels).Concat(l.InterestLabels).Concat(l.DownLabels)))}(?!\w)", Options);

    /// <summary>Whether a line names what it answers ("Pain 5", "mood good"), so needs no label from the question above.</summary>
    public static bool NamesAnItem(string line) => AnyLabel.IsMatch(Lexicon.Fold(line));

    /// <summary>The label of a question line ("Pain: a number from 0 to 10" gives "Pain"), as written.</summary>
    public static string? QuestionLabel(string line) =>
        Question.Match(Lexicon.Fold(line)) is { Success: true } m && m.Groups["label"].Length <= line.TrimStart().Length
            ? line.TrimStart()[..m.Groups["label"].Length] : null;
}
