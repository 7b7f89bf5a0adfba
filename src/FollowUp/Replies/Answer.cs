using System.Globalization;
using System.Text.RegularExpressions;
using FollowUp.Alerts;

namespace FollowUp.Replies;

/// <summary>How much of the check-in's questions a reply answered.</summary>
public enum AnswerStatus { Complete, Partial, Unclear }

/// <summary>
/// What a reply said: pain 0-10, mood (0-10 or a word) and the two PHQ-2 items (0-3), each only if the patient clearly
/// gave it. Never guessed: a number out of range, two different numbers for the same item, or a range ("3-4") leave
/// that item empty. <see cref="CrisisTerms"/> lists self-harm wording found in the patient's own text, whatever the numbers.
/// </summary>
public sealed partial record Answer(int? Pain, int? MoodScore, string? MoodWord, bool OptOut)
{
    public int? Phq2A { get; init; }
    public int? Phq2B { get; init; }
    public IReadOnlyList<string> CrisisTerms { get; init; } = [];
    /// <summary>Why an item was left empty although the text mentioned it (out of range, contradictory, a range).</summary>
    public IReadOnlyList<string> Doubts { get; init; } = [];

    public bool HasAnything => Pain is not null || MoodScore is not null || MoodWord is not null || Phq2A is not null || Phq2B is not null;

    public bool Crisis => CrisisTerms.Count > 0;

    /// <summary>Complete = pain and mood (what the check-in asks); partial = some of it; unclear = nothing usable.</summary>
    public AnswerStatus Status =>
        Pain is not null && (MoodScore is not null || MoodWord is not null) ? AnswerStatus.Complete
        : HasAnything ? AnswerStatus.Partial
        : AnswerStatus.Unclear;

    /// <summary>Reads an answer from the reply's own text (quoted history already removed).</summary>
    public static Answer Parse(string text, string? subject = null, CrisisWords? crisisWords = null)
    {
        var normalized = Normalize(text);
        var crisis = (crisisWords ?? CrisisWords.Default).Find(normalized);
        if (IsStop(normalized) || (subject is not null && IsStop(StripSubjectPrefixes(Normalize(subject)))))
            return new Answer(null, null, null, OptOut: true) { CrisisTerms = crisis };

        var doubts = new List<string>();
        int? pain = Single("pain", PainPhrase().Matches(normalized).Select(m => (m.Groups["n"].Value, m.Groups["range"].Success)), 10, doubts);
        if (pain is null && doubts.Count == 0 && LoneNumber().Match(normalized) is { Success: true } lone)
            pain = Single("pain", [(lone.Groups["n"].Value, false)], 10, doubts);

        int? moodScore = null;
        string? moodWord = null;
        var moods = MoodPhrase().Matches(normalized).Select(m => m.Groups["v"].Value).ToList();
        var moodNumbers = moods.Where(v => Number(v) is not null).Select(v => (v, false)).ToList();
        var moodWords = moods.Select(MoodWordOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (moodNumbers.Count > 0 && moodWords.Count > 0) doubts.Add("mood given both as a number and a word");
        else if (moodNumbers.Count > 0) moodScore = Single("mood", moodNumbers, 10, doubts);
        else if (moodWords.Count > 1) doubts.Add($"mood given as different words ({string.Join(", ", moodWords)})");
        else if (moodWords.Count == 1) moodWord = moodWords[0];

        var (phqA, phqB) = Phq2(normalized, doubts);
        return new Answer(pain, moodScore, moodWord, OptOut: false) { Phq2A = phqA, Phq2B = phqB, CrisisTerms = crisis, Doubts = doubts };
    }

    /// <summary>"1 2" on a line of its own, or labelled "a: 1, b: 2"; each item 0-3 (PHQ-2).</summary>
    private static (int?, int?) Phq2(string normalized, List<string> doubts)
    {
        var a = Labelled(PhqA().Matches(normalized), "phq-2 a", doubts);
        var b = Labelled(PhqB().Matches(normalized), "phq-2 b", doubts);
        if (a is not null || b is not null) return (a, b);
        var pairs = normalized.Split('\n').Select(l => PhqPair().Match(l)).Where(m => m.Success).ToList();
        if (pairs.Count != 1) return (null, null);
        var first = Number(pairs[0].Groups["a"].Value);
        var second = Number(pairs[0].Groups["b"].Value);
        if (first is > 3 || second is > 3)
        {
            doubts.Add("phq-2 answers out of range 0-3");
            return (null, null);
        }
        return (first, second);
    }

    private static int? Labelled(MatchCollection matches, string item, List<string> doubts) =>
        Single(item, matches.Select(m => (m.Groups["n"].Value, false)), 3, doubts);

    /// <summary>The one value given for an item, or null (with the reason) when it is out of range, a range or contradictory.</summary>
    private static int? Single(string item, IEnumerable<(string Value, bool IsRange)> found, int max, List<string> doubts)
    {
        var values = new List<int>();
        foreach (var (value, isRange) in found)
        {
            if (isRange)
            {
                doubts.Add($"{item} given as a range");
                return null;
            }
            if (Number(value) is not { } n || n > max)
            {
                doubts.Add($"{item} {value} is outside 0-{max}");
                return null;
            }
            values.Add(n);
        }
        var distinct = values.Distinct().ToList();
        if (distinct.Count > 1)
        {
            doubts.Add($"{item} given as {string.Join(" and ", distinct)}");
            return null;
        }
        return distinct.Count == 1 ? distinct[0] : null;
    }

    internal static string Normalize(string text) =>
        text.Replace('\u2019', '\'').Replace('\u2018', '\'').Replace('\u00a0', ' ').Replace("\r\n", "\n", StringComparison.Ordinal)
            .Trim().ToLowerInvariant();

    private static bool IsStop(string text) =>
        Stop().IsMatch(text);

    private static string StripSubjectPrefixes(string subject) => SubjectPrefix().Replace(subject, "");

    private static int? Number(string token) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : Words.TryGetValue(token, out var w) ? w : null;

    private static readonly Dictionary<string, int> Words = new(StringComparer.Ordinal)
    {
        ["zero"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5,
        ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10,
    };

    private static string? MoodWordOf(string word) => word switch
    {
        "low" or "bad" or "down" or "poor" or "sad" or "awful" or "terrible" or "depressed" or "miserable" => "low",
        "ok" or "okay" or "alright" or "fine" or "so-so" or "average" or "meh" => "okay",
        "good" or "great" or "happy" or "excellent" or "well" or "positive" => "good",
        _ => null,
    };

    private const string NumberToken = @"(?:10|[0-9]|zero|one|two|three|four|five|six|seven|eight|nine|ten)";

    // "pain 3-4", "pain 3 or 4", "pain 3 to 4": a range is not one answer; the lookahead marks it.
    [GeneratedRegex(@"\bpain\b\W{0,3}(?:(?:is|was|level|score|at|about|around|roughly|maybe|a|an)\W+){0,4}(?<n>\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s*[.,]\d)(?<range>\s*(?:-|–|to|or)\s*\d)?")]
    private static partial Regex PainPhrase();

    [GeneratedRegex(@"^\W*(?<n>" + NumberToken + @"|\d+)\s*(?:/\s*10|out of 10)?\W*$")]
    private static partial Regex LoneNumber();

    [GeneratedRegex(@"\bmood\b\W{0,3}(?:(?:is|was|has been|feels|pretty|quite|very|a bit|rather)\W+){0,3}(?<v>\d+|[a-z-]+)")]
    private static partial Regex MoodPhrase();

    [GeneratedRegex(@"(?:^|[\s,;(])(?:a|q1|phq-?2?\s*a)\s*[:=)]\s*(?<n>\d+)\b", RegexOptions.Multiline)]
    private static partial Regex PhqA();

    [GeneratedRegex(@"(?:^|[\s,;(])(?:b|q2|phq-?2?\s*b)\s*[:=)]\s*(?<n>\d+)\b", RegexOptions.Multiline)]
    private static partial Regex PhqB();

    [GeneratedRegex(@"^\W*(?<a>\d)\s*[ ,;/]\s*(?<b>\d)\W*$")]
    private static partial Regex PhqPair();

    [GeneratedRegex(@"^\W*(stop|unsubscribe|stop emails|stop sending|please stop)\W*$")]
    private static partial Regex Stop();

    [GeneratedRegex(@"^((re|aw|sv|fw|fwd|wg|tr|rv)\s*:\s*)+")]
    private static partial Regex SubjectPrefix();
}
