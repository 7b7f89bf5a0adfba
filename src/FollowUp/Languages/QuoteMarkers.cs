using System.Text.RegularExpressions;

namespace FollowUp.Languages;

/// <summary>
/// The lines mail clients add around a reply, in every language of Languages/: attribution lines ("On … wrote:",
/// "Op … schreef …:", "W dniu … napisał(a):"), header blocks ("From:/Sent:", "Da:/Inviato:", "Van:/Verzonden:"),
/// dividers ("-----Original Message-----", "Messaggio originale") and phone signatures. Lines are matched folded.
/// </summary>
internal static class QuoteMarkers
{
    private const RegexOptions Options = RegexOptions.CultureInvariant;

    private static readonly string Verbs = LexiconPatterns.Words(Lexicon.Union(l => l.Attribution.Ends.Select(e => e.TrimEnd(':', ' '))));

    /// <summary>"-----Original Message-----", "-------- Messaggio originale --------", "---- Dana wrote ----".</summary>
    public static Regex Divider { get; } = LexiconPatterns.Pattern(
        $@"^[\s*]*[-_=*]*\s*{LexiconPatterns.Words(Lexicon.Union(l => l.Dividers))}\s*[-_=*]*\s*:?\s*$|^\s*-{{2,}}.*{Verbs}.*-{{2,}}\s*$");

    private static readonly string[] Signatures = Lexicon.Union(l => l.Signatures);

    /// <summary>"Sent from my iPhone", "Von meinem Samsung Galaxy gesendet": short, no clause. "Sent from my desk, which…" is a sentence.</summary>
    public static bool IsSignature(string folded) =>
        Signatures.Any(s => folded.StartsWith(s.TrimEnd(), StringComparison.Ordinal))
        && !folded.Contains(',', StringComparison.Ordinal) && folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 12;

    private static readonly Dictionary<string, string> HeaderKind = Lexicon.All
        .SelectMany(l => l.HeaderLabels.SelectMany(h => h.Value.Select(v => (Label: Lexicon.Fold(v), Kind: h.Key))))
        .DistinctBy(h => h.Label).ToDictionary(h => h.Label, h => h.Kind, StringComparer.Ordinal);

    // "From: x", "*From:* x", "<b>From:</b> x" after an HTML conversion, indented or not.
    private static readonly Regex HeaderLine = LexiconPatterns.Pattern(
        $@"^\s*\*?\s*(?<label>{LexiconPatterns.Words(HeaderKind.Keys)})\s*\*?\s*:\s*\*?(?:\s|$)");

    private static readonly Regex InlineHeader = LexiconPatterns.Pattern($@"(?<!\w)(?<label>{LexiconPatterns.Words(HeaderKind.Keys)})\s*\*?\s*:");

    private static string? KindOf(string line) =>
        HeaderLine.Match(Lexicon.Fold(line)) is { Success: true } m ? HeaderKind[Regex.Replace(m.Groups["label"].Value, @"\s+", " ")] : null;

    /// <summary>
    /// A block of mail headers starting at line i: From/Date/Sent, then another header within four lines, one of them
    /// From, or a Date/Sent with a To (some clients leave the From to the end or out), or From and another on one line.
    /// </summary>
    public static bool StartsHeaderBlock(string[] lines, int i)
    {
        var first = i < lines.Length ? KindOf(lines[i]) : null;
        if (first is not ("from" or "date" or "sent")) return false;
        var kinds = Enumerable.Range(i + 1, 4).Where(j => j < lines.Length).Select(j => KindOf(lines[j])).OfType<string>().ToList();
        // "From: bob@example.com Date: Thu, 24 Mar 2016 …" on one line, as an HTML body's divs come out.
        var sameLine = InlineHeader.Matches(Lexicon.Fold(lines[i])).Select(m => HeaderKind.GetValueOrDefault(Regex.Replace(m.Groups["label"].Value, @"\s+", " "))).Distinct().Count();
        return (sameLine >= 2 && first == "from") || (kinds.Any(k => k != first) && (first == "from" || kinds.Contains("from") || kinds.Contains("to")));
    }

    private static readonly string[] Starts = Lexicon.All.SelectMany(l => l.Attribution.Starts).Distinct(StringComparer.Ordinal).ToArray();

    private static readonly Regex VerbThenColon = LexiconPatterns.Pattern($@"{Verbs}.*:\s*$|:\s*$");
    private static readonly Regex HasVerb = LexiconPatterns.Pattern(Verbs);
    // "<\npostmaster@example.org>:" wrapped by the client becomes "< postmaster@example.org>:" once joined.
    private static readonly Regex AddressInBrackets = LexiconPatterns.Pattern(@"<\s?[^<>\s]+@[^<>\s]+>|\[mailto:[^\]]+\]");

    /// <summary>
    /// An attribution starting at line i, wrapped over up to three lines, possibly after the patient's own words on
    /// the same line ("Pain 3 On Tue, … wrote:"): the words before it, and the last line it takes.
    /// </summary>
    public static (string Before, int LastLine)? Attribution(string[] lines, int i)
    {
        var joined = lines[i].Trim();
        var rest = "";
        // Opened by its start word ("On Tue, Apr 11, 2017 at 10:07 PM John Smith"), it may run over blank lines and an
        // address broken around its brackets ("<" / "mailto:…" / "> wrote:"), as Polymail writes it.
        var opened = Starts.Any(s => joined.StartsWith(s + " ", StringComparison.Ordinal)) && joined.Any(char.IsDigit);
        for (var last = i; last < i + (opened ? 6 : 3) && last < lines.Length; last++)
        {
            if (last > i)
            {
                var next = lines[last].Trim();
                if (next.Length == 0 && opened) continue;
                // "Hi," or "Thanks Thanmai" above "On Mar 8, 2012 … wrote:" is the reply, not the attribution's start.
                if (next.Length == 0 || !CouldOpen(lines[i]) || (next.StartsWith('>') && !(opened && IsAttribution(joined + " " + next)))) break;
                // "El dolor está en 5" above "> El 24 nov 2026, a las 9:30, … escribió:": a later line that opens an
                // attribution itself is where it begins; the patient's words above it are the reply.
                if (next.TrimStart('>', ' ') is var unquoted && Starts.Any(s => unquoted.StartsWith(s + " ", StringComparison.Ordinal)) && unquoted.Any(char.IsDigit)) break;
                joined += " " + next;
                rest += " " + next;
            }
            if (IsAttribution(joined)) return (Before(lines[i], rest), last);
        }
        // "2011/4/7 Nathan <support@example.com>" with no colon, right above the quote: the same, as some clients write it.
        return AddressInBrackets.IsMatch(lines[i]) && lines[i].Any(char.IsDigit) && lines[i].Trim().Length < 200 && !NamesAnItem(lines[i]) && NextIsQuote(lines, i + 1)
            ? ("", i) : null;
    }

    private static bool NextIsQuote(string[] lines, int from)
    {
        for (var j = from; j < lines.Length; j++)
            if (lines[j].Trim().Length > 0) return lines[j].TrimStart().StartsWith('>');
        return false;
    }

    /// <summary>Whether an attribution may begin on this line: with its start word or a date, or after words, with its start word.</summary>
    private static bool CouldOpen(string line)
    {
        var trimmed = line.Trim();
        return trimmed.Length > 0 && (char.IsDigit(trimmed[0]) || Starts.Any(s => trimmed.StartsWith(s + " ", StringComparison.Ordinal)
            || (trimmed.IndexOf(" " + s + " ", StringComparison.Ordinal) is > 0 and var at && trimmed[at..].Any(char.IsDigit))));
    }

    private static bool IsAttribution(string text)
    {
        var folded = Lexicon.Fold(text);
        if (folded.Length > 400 || !folded.TrimEnd().EndsWith(':') || !folded.Any(c => char.IsDigit(c) || c == '@')) return false;
        // With the verb ("wrote", "schreef", "napisał"), or, in a language we do not list, a date and an address then ":".
        return (HasVerb.IsMatch(folded) && VerbThenColon.IsMatch(folded)) || (AddressInBrackets.IsMatch(folded) && folded.Any(char.IsDigit));
    }

    private static string Before(string line, string rest)
    {
        foreach (var start in Starts)
        {
            var at = line.IndexOf(" " + start + " ", StringComparison.Ordinal);
            // "reply--- On … wrote:": the dashes were the divider the client put before it.
            if (at > 0 && IsAttribution(line[(at + 1)..] + rest) && !IsAttribution(line[..at])) return line[..at].Trim().TrimEnd('-', ' ');
        }
        return "";
    }

    private static readonly Regex Question = LexiconPatterns.Pattern(
        $@"^\s*(?<label>{LexiconPatterns.Words(Lexicon.Union(l => l.PainLabels.Concat(l.MoodLabels).Concat(l.InterestLabels).Concat(l.DownLabels)))})\s*:");

    private static readonly Regex AnyLabel = LexiconPatterns.Pattern(
        $@"(?<!\w){LexiconPatterns.Words(Lexicon.Union(l => l.PainLabels.Concat(l.MoodLabels).Concat(l.InterestLabels).Concat(l.DownLabels)))}(?!\w)");

    /// <summary>Whether a line names what it answers ("Pain 5", "mood good"), so needs no label from the question above.</summary>
    public static bool NamesAnItem(string line) => AnyLabel.IsMatch(Lexicon.Fold(line));

    private static readonly Dictionary<string, string> ItemOfLabel = Lexicon.Answering
        .SelectMany(l => l.PainLabels.Select(p => (Label: p, Item: "pain")).Concat(l.MoodLabels.Select(m => (Label: m, Item: "mood")))
            .Concat(l.InterestLabels.Select(i => (Label: i, Item: "interest"))).Concat(l.DownLabels.Select(d => (Label: d, Item: "down"))))
        .Select(p => (Label: Lexicon.Fold(p.Label), p.Item)).DistinctBy(p => p.Label).ToDictionary(p => p.Label, p => p.Item, StringComparer.Ordinal);

    // The PHQ-2 items as the language files word them ("little interest or pleasure in doing things"), or lettered "a)".
    private static readonly (string Text, string Item)[] Phq2Items = Lexicon.Answering
        .SelectMany(l => new[] { (l.Phq2.GetValueOrDefault("interest"), "interest"), (l.Phq2.GetValueOrDefault("down"), "down") })
        .Where(p => p.Item1 is { Length: > 10 }).Select(p => (Lexicon.Fold(p.Item1!).TrimEnd('?', '.', ' '), p.Item2)).ToArray();

    private static readonly Regex Lettered = LexiconPatterns.Pattern(@"^\s*(?<n>[ab12])\s*[).:]\s+\p{L}");

    /// <summary>
    /// What a quoted question line asks, as a label the reader knows, in any language: its own label before a colon
    /// ("Pain: a number from 0 to 10" gives "Pain"), else pain, mood, interest or down from the PHQ-2 item's own wording or letter ("a) Little interest or pleasure…"),
    /// or the one kind of label it names ("How is your back pain this week?"). Null when it names none or several
    /// ("For example: Pain 3, mood good").
    /// </summary>
    public static string? AskedItem(string line)
    {
        var folded = Lexicon.Fold(line).Trim();
        // The label as the question writes it ("Pain", "Schmerz"): the answer reads as the patient would have labelled it.
        if (Question.Match(folded) is { Success: true } m && m.Groups["label"].Length <= line.TrimStart().Length) return line.TrimStart()[..m.Groups["label"].Length];
        foreach (var (text, item) in Phq2Items)
            if (folded.Contains(text, StringComparison.Ordinal)) return item;
        if (Lettered.Match(folded) is { Success: true } letter) return letter.Groups["n"].Value is "a" or "1" ? "interest" : "down";
        var labels = AnyLabel.Matches(folded);
        var items = labels.Select(l => ItemOfLabel.GetValueOrDefault(Regex.Replace(l.Value, @"\s+", " "))).Distinct().ToList();
        if (items is [{ } only]) return only;
        // "E il suo umore: buono, così così o giù?": the one label before a colon is what is asked; the words after it
        // are its choices, however many other labels they happen to be ("giù", "em baixo" also name PHQ-2's item).
        var beforeColon = labels.Where(l => folded.AsSpan(l.Index + l.Length).TrimStart().StartsWith(":")).ToList();
        var asked = beforeColon.Select(l => ItemOfLabel.GetValueOrDefault(Regex.Replace(l.Value, @"\s+", " "))).Distinct().ToList();
        // Only when that label comes first: the choices follow it.
        return asked is [{ } question] && labels[0].Index == beforeColon[0].Index ? question : null;
    }

    private static readonly string[] Closings = Lexicon.Union(l => l.Closings);

    // After the closing, at most a name: "Thanks, Anna", "Mit freundlichen Grüßen Hans Müller".
    private static readonly Regex AfterClosing = LexiconPatterns.Pattern(@"^[\s,.!]*(?:\p{Lu}[\p{L}.'\-]*(?:\s+\p{Lu}[\p{L}.'\-]*){0,2}[\s,.!]*)?$");

    /// <summary>Whether a line is a letter's closing ("Kind regards", "Thanks, Anna"), as written: a name after it is capitalised.</summary>
    public static bool IsClosing(string line)
    {
        var trimmed = line.Trim();
        var folded = Lexicon.Fold(trimmed);
        if (folded.Length != trimmed.Length) return false;
        return Closings.Any(c => folded.StartsWith(c, StringComparison.Ordinal) && (folded.Length == c.Length || !char.IsLetter(folded[c.Length]))
            && AfterClosing.IsMatch(trimmed[c.Length..]));
    }
}
