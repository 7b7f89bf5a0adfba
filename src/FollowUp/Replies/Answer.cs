using System.Globalization;
using System.Text.RegularExpressions;

namespace FollowUp.Replies;

/// <summary>What a reply said: pain 0-10 and mood, each only if the patient clearly gave it; never guessed.</summary>
public sealed partial record Answer(int? Pain, int? MoodScore, string? MoodWord, bool OptOut)
{
    public bool HasAnything => Pain is not null || MoodScore is not null || MoodWord is not null;

    /// <summary>Reads an answer from the reply's own text (quoted history already removed).</summary>
    public static Answer Parse(string text, string? subject = null)
    {
        var normalized = text.Trim().ToLowerInvariant();
        if (IsStop(normalized) || (subject is not null && IsStop(StripSubjectPrefixes(subject.Trim().ToLowerInvariant()))))
            return new Answer(null, null, null, OptOut: true);

        int? pain = null;
        var painMatch = PainPhrase().Match(normalized);
        if (painMatch.Success) pain = InRange(painMatch.Groups["n"].Value);
        else if (LoneNumber().Match(normalized) is { Success: true } lone) pain = InRange(lone.Groups["n"].Value);

        int? moodScore = null;
        string? moodWord = null;
        var moodMatch = MoodPhrase().Match(normalized);
        if (moodMatch.Success)
        {
            var value = moodMatch.Groups["v"].Value;
            if (Number(value) is { } n) moodScore = n is >= 0 and <= 10 ? n : null;
            else moodWord = MoodWordOf(value);
        }
        return new Answer(pain, moodScore, moodWord, OptOut: false);
    }

    private static bool IsStop(string text) =>
        Stop().IsMatch(text);

    private static string StripSubjectPrefixes(string subject) => SubjectPrefix().Replace(subject, "");

    private static int? InRange(string token) => Number(token) is int n && n is >= 0 and <= 10 ? n : null;

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

    [GeneratedRegex(@"\bpain\b\W{0,3}(?:(?:is|was|level|score|at|about|around|roughly|maybe|a|an)\W+){0,4}(?<n>\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b(?!\s*[.,]\d)")]
    private static partial Regex PainPhrase();

    [GeneratedRegex(@"^\W*(?<n>" + NumberToken + @")\s*(?:/\s*10|out of 10)?\W*$")]
    private static partial Regex LoneNumber();

    [GeneratedRegex(@"\bmood\b\W{0,3}(?:(?:is|was|has been|feels|pretty|quite|very|a bit|rather)\W+){0,3}(?<v>\d+|[a-z-]+)")]
    private static partial Regex MoodPhrase();

    [GeneratedRegex(@"^\W*(stop|unsubscribe|stop emails|stop sending|please stop)\W*$")]
    private static partial Regex Stop();

    [GeneratedRegex(@"^((re|aw|sv|fw|fwd)\s*:\s*)+")]
    private static partial Regex SubjectPrefix();
}
