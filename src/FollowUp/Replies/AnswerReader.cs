using System.Globalization;
using System.Text.RegularExpressions;
using FollowUp.Languages;

namespace FollowUp.Replies;

/// <summary>
/// Reads pain, mood and PHQ-2 from a reply's own text in any of the answering languages. Precision first: numbers
/// that are dates, times, phone numbers, addresses or counts of things are blanked before anything is read; every
/// number left over once the answer is read, every range, choice or comparison makes the numbers doubtful, and a
/// doubtful item is left empty with the reason, so that a clarification asks rather than a guess being stored.
/// </summary>
internal sealed partial class AnswerReader
{
    private readonly char[] text;
    private readonly bool[] used;
    private readonly List<(string Item, string Value, bool Range, string Words)> found = [];
    public List<string> Doubts { get; } = [];
    public List<string> Read { get; } = [];

    /// <summary>Whether the numbers read can be trusted: nothing left over, no range, no comparison, no other scale.</summary>
    public bool NumbersDoubtful { get; private set; }

    /// <summary>Whether anything at all was read (before the values are checked).</summary>
    public bool FoundAnything => found.Count > 0;

    private AnswerReader(string folded)
    {
        text = folded.ToCharArray();
        used = new bool[text.Length];
    }

    public static AnswerReader Of(string ownText)
    {
        var written = ownText.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var folded = Array.ConvertAll(written, Lexicon.Fold);
        var kept = string.Join('\n', folded.Where(l => !ReplyPatterns.IsCheckInLine(l)));
        // Street names are told by their capitals, so they are found on the text as written, where it lines up.
        var asWritten = string.Join('\n', written.Where((_, i) => !ReplyPatterns.IsCheckInLine(folded[i])));
        var mended = Typos.Mend(kept, asWritten);
        (kept, asWritten) = (mended.Folded, mended.Written);
        var reader = new AnswerReader(kept);
        reader.Read.AddRange(mended.Notes);
        // A signature's title, address and phone below the answer: their numbers answer nothing.
        var signature = Signature.Lines(asWritten.Split('\n'));
        var at = 0;
        foreach (var (line, i) in kept.Split('\n').Select((l, i) => (l, i)))
        {
            if (i < signature.Length && signature[i]) reader.Blank(at, line.Length);
            at += line.Length + 1;
        }
        if (asWritten.Length == kept.Length)
            foreach (Match street in ReplyPatterns.NamedStreet.Matches(asWritten)) reader.Blank(street.Index, street.Length);
        reader.ReadOtherQuestions();
        reader.Blank(ReplyPatterns.NotAnAnswer);
        foreach (Match phone in ReplyPatterns.Phone.Matches(reader.Current))
            if (phone.Value.Count(char.IsDigit) >= 7) reader.Blank(phone.Index, phone.Length);
        // After the phone numbers: "333 1234567" is one number, not a 333 beside a postcode.
        foreach (Match number in ReplyPatterns.LongNumber.Matches(reader.Current)) reader.Blank(number.Index, number.Length);
        reader.ReadAll();
        return reader;
    }

    private string Current => new(text);

    private void ReadAll()
    {
        TakeBackCorrections();
        ReadPhq2Pairs();
        // Two numbers joined ("5 or 6", "3-4") are read as neither, before anything can take one of them.
        foreach (Match m in ReplyPatterns.Alternative.Matches(Current))
            if (!ScaleOfTen().IsMatch(m.Value) && Claim(m)) NumberDoubt($"two numbers joined as a range or a choice (\"{m.Value.Trim()}\")");
        Take(ReplyPatterns.Interest, "phq-2 a");
        Take(ReplyPatterns.Down, "phq-2 b");
        foreach (Match both in ReplyPatterns.Phq2Both.Matches(Current))
            if (Claim(both))
            {
                Found("phq-2 a", both.Groups["v"].Value, false, both.Value);
                Found("phq-2 b", both.Groups["v"].Value, false, both.Value);
            }
        Take(ReplyPatterns.Phq2First, "phq-2 a");
        Take(ReplyPatterns.Phq2Second, "phq-2 b");
        Take(ReplyPatterns.Pain, "pain");
        Take(ReplyPatterns.PainRemark, "pain");
        Take(ReplyPatterns.MoodBelow, "mood");
        Take(ReplyPatterns.Mood, "mood");
        Take(ReplyPatterns.MoodAlone, "mood");
        foreach (Match none in ReplyPatterns.NoPain.Matches(Current))
            if (Claim(none)) Found("pain", "0", false, none.Value);
        Take(ReplyPatterns.Score, "pain");
        Take(ReplyPatterns.Hedged, "pain");
        Take(ReplyPatterns.Approximately, "pain");
        Take(ReplyPatterns.NowNumber, "pain");
        ReadLoneNumber();
        ReadNumberFirstLines();
        ReadNumberLastLines();
        // "(was 7 before the course)", "yesterday 6": an earlier value beside this week's, not a second answer.
        foreach (Match past in ReplyPatterns.PastValue.Matches(Current)) Claim(past);

        // What is left can only make the numbers doubtful.
        foreach (var (pattern, why) in (ReadOnlySpan<(Regex, string)>)[
                     (ReplyPatterns.Between, "a range"),
                     (ReplyPatterns.Comparative, "a comparison, not one number"),
                     (ReplyPatterns.NumberAtATimeOfDay, "a second number at another time of day")])
            foreach (Match m in pattern.Matches(Current))
                if (Claim(m)) NumberDoubt($"{why} (\"{m.Value.Trim()}\")");
        foreach (Match m in ReplyPatterns.LooseNumber.Matches(Current))
            if (Claim(m)) NumberDoubt($"a number that answers nothing asked (\"{m.Value}\")");
        if (!found.Any(f => f.Item == "pain") && ReplyPatterns.PainLabel.IsMatch(Current))
            Doubts.Add("pain is mentioned but no number was read for it");
        if (!found.Any(f => f.Item == "pain") && ReplyPatterns.SameAsBefore.Match(Current) is { Success: true } same)
            Doubts.Add($"\"{same.Value}\" without a number");
        if (!found.Any(f => f.Item == "mood") && ReplyPatterns.MoodLabel.Match(Current) is { Success: true } mood)
            Doubts.Add($"\"{mood.Value}\" is mentioned but no mood we know follows it");
    }

    /// <summary>
    /// "Pain 5 - no wait, 6": the number taken back and the words taking it back are erased, as if never typed, so that
    /// the number meant stands where the label expects it. Anything less clear ("5 or 6") stays for the doubts.
    /// </summary>
    private void TakeBackCorrections()
    {
        foreach (Match m in ReplyPatterns.Correction.Matches(Current))
        {
            if (used.AsSpan(m.Index, m.Length).Contains(true)) continue;
            Read.Add($"\"{Spaces().Replace(m.Value, " ").Trim()}\" taken back: the number after it counts");
            for (var i = m.Index; i < m.Index + m.Length; i++)
                if (text[i] != '\n') text[i] = ' ';
        }
    }

    /// <summary>
    /// "les deux autres : plusieurs jours et jamais": the PHQ-2 answers given for "the other two" in the check-in's order;
    /// the count itself ("two", "deux") answers nothing, answered or not ("I'd rather skip the other two").
    /// </summary>
    private void ReadOtherQuestions()
    {
        foreach (Match m in ReplyPatterns.Phq2Others.Matches(Current))
            if (Claim(m))
            {
                Found("phq-2 a", m.Groups["a"].Value, false, m.Value);
                Found("phq-2 b", m.Groups["b"].Value, false, m.Value);
            }
        foreach (Match m in ReplyPatterns.OtherQuestions.Matches(Current)) Claim(m);
    }

    /// <summary>Every match of an item's pattern that does not overlap what was already read.</summary>
    private void Take(Regex pattern, string item)
    {
        foreach (Match m in pattern.Matches(Current))
        {
            if (!Claim(m)) continue;
            Found(item, m.Groups["v"].Value, m.Groups["range"].Success, m.Value);
            if (m.Groups["den"].Success && Number(m.Groups["den"].Value) != 10)
                NumberDoubt($"{item} given on another scale than 0-10 (\"{m.Value.Trim()}\")");
        }
    }

    private void ReadPhq2Pairs()
    {
        var offset = 0;
        foreach (var line in Current.Split('\n'))
        {
            if (ReplyPatterns.Phq2Pair.Match(line) is { Success: true } pair)
            {
                Blank(offset, line.Length);
                found.Add(("phq-2 pair", $"{pair.Groups["a"].Value} {pair.Groups["b"].Value}", false, line.Trim()));
            }
            offset += line.Length + 1;
        }
    }

    /// <summary>"tres", "otto": a number word that is also a word elsewhere counts only alone on the reply's first line.</summary>
    private void ReadLoneNumber()
    {
        var offset = 0;
        foreach (var line in Current.Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                offset += line.Length + 1;
                continue;
            }
            if (ReplyPatterns.LoneNumber.Match(line) is { Success: true } m)
            {
                Found("pain", m.Groups["v"].Value, false, line.Trim());
                Blank(offset, line.Length);
            }
            return;
        }
    }

    /// <summary>"7 - stiff after the weekend", "about 6 today", "6ish": an unlabelled number opening a line is the pain.</summary>
    private void ReadNumberFirstLines()
    {
        var offset = 0;
        foreach (var line in Current.Split('\n'))
        {
            if (ReplyPatterns.NumberFirst.Match(line) is { Success: true } m && !used.AsSpan(offset + m.Groups["v"].Index, m.Groups["v"].Length).Contains(true))
            {
                var end = m.Groups["rest"].Index;
                Found("pain", m.Groups["v"].Value, m.Groups["range"].Success, line[..end]);
                // "6, good", "4 / ok. interest 1 …": a comment whose first clause is nothing but a mood word is the mood.
                var clause = ClauseEnd().Match(m.Groups["comment"].Value);
                var comment = Spaces().Replace(clause.Groups["clause"].Value, " ").Trim();
                if (comment.Length > 0 && ReplyPatterns.MoodWordMeaning.ContainsKey(comment))
                {
                    Found("mood", comment, false, comment);
                    end = m.Groups["comment"].Index + clause.Length;
                }
                Blank(offset, end);
            }
            offset += line.Length + 1;
        }
    }

    /// <summary>
    /// "better than last time, 4": a comment with no number and no label, then the number, is the pain; so is it after a
    /// pain label ("Pain: better than last time, 4", as an answer typed under the quoted pain question reads).
    /// </summary>
    private void ReadNumberLastLines()
    {
        var offset = 0;
        foreach (var line in Current.Split('\n'))
        {
            if (ReplyPatterns.NumberLast.Match(line) is { Success: true } m && !used.AsSpan(offset + m.Groups["v"].Index, m.Groups["v"].Length).Contains(true)
                && Plain(ReplyPatterns.PainLabelFirst.Replace(m.Groups["comment"].Value, "", 1)))
            {
                // The line's end, or the end of the sentence the number closes ("…, un 3. Ánimo bien."): the rest is read on its own.
                var end = m.Groups["end"].Index + m.Groups["end"].Length == line.Length ? line.Length : m.Groups["end"].Index;
                Found("pain", m.Groups["v"].Value, m.Groups["range"].Success, line[..end].Trim());
                Blank(offset, end);
            }
            offset += line.Length + 1;
        }
    }

    private static bool Plain(string comment) =>
        !QuoteMarkers.NamesAnItem(comment) && !ReplyPatterns.LooseNumber.IsMatch(comment)
        && (!ReplyPatterns.EndsInAUnit.IsMatch(comment) || ReplyPatterns.ComparesWithBefore.IsMatch(comment));

    private void Found(string item, string value, bool range, string words) =>
        found.Add((item, Spaces().Replace(value, " "), range, Spaces().Replace(words, " ").Trim()));

    private void NumberDoubt(string why)
    {
        Doubts.Add(why);
        NumbersDoubtful = true;
    }

    /// <summary>Marks a match as read unless part of it already was.</summary>
    private bool Claim(Match m)
    {
        if (m.Length == 0 || used.AsSpan(m.Index, m.Length).Contains(true)) return false;
        Blank(m.Index, m.Length, ReadMark);
        return true;
    }

    // What was read is blanked with its own mark: a number right before it ("4ish mood ok") may then open the line.
    private const char ReadMark = '\u0002';

    private void Blank(PatternList patterns)
    {
        foreach (var (index, length) in patterns.Matches(Current)) Blank(index, length);
    }

    private void Blank(int index, int length, char mark = '\u0001')
    {
        for (var i = index; i < index + length && i < text.Length; i++)
        {
            used[i] = true;
            // Not a space: a phrase ("my mood", "between 4 and 5") must not reach across what was taken out.
            if (text[i] != '\n') text[i] = mark;
        }
    }

    /// <summary>The one value given for an item, or null with the reason: out of range, a range, not whole, or two values.</summary>
    public int? Single(string item, int max)
    {
        var values = new List<int>();
        foreach (var (_, value, isRange, words) in found.Where(f => f.Item == item))
        {
            if (isRange)
            {
                Doubts.Add($"{item} given as a range (\"{words}\")");
                return null;
            }
            if (Number(value) is not { } n || n > max)
            {
                Doubts.Add($"{item} {value} is outside 0-{max}");
                return null;
            }
            values.Add(n);
        }
        var distinct = values.Distinct().ToList();
        if (distinct.Count > 1)
        {
            Doubts.Add($"{item} given as {string.Join(" and ", distinct)}");
            return null;
        }
        if (distinct.Count == 1) Read.Add($"{item} {distinct[0]} from \"{found.First(f => f.Item == item).Words}\"");
        return distinct.Count == 1 ? distinct[0] : null;
    }

    /// <summary>Mood as a number or a word (good / okay / low); both, or two different words, are doubtful.</summary>
    public (int? Score, string? Word) Mood()
    {
        var moods = found.Where(f => f.Item == "mood").ToList();
        var words = moods.Select(f => ReplyPatterns.MoodWordMeaning.GetValueOrDefault(f.Value)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var numbers = moods.Where(f => !ReplyPatterns.MoodWordMeaning.ContainsKey(f.Value)).ToList();
        if (numbers.Count > 0 && words.Count > 0)
        {
            Doubts.Add("mood given both as a number and a word");
            return (null, null);
        }
        if (numbers.Count > 0) return (Single("mood", 10), null);
        if (words.Count > 1)
        {
            Doubts.Add($"mood given as different words ({string.Join(", ", words)})");
            return (null, null);
        }
        if (words.Count == 1) Read.Add($"mood {words[0]} from \"{moods[0].Words}\"");
        return (null, words.Count == 1 ? words[0] : null);
    }

    /// <summary>The two PHQ-2 items, labelled or as a pair line; each 0-3.</summary>
    public (int? A, int? B) Phq2()
    {
        var pairs = found.Where(f => f.Item == "phq-2 pair").ToList();
        if (found.Any(f => f.Item is "phq-2 a" or "phq-2 b")) return (Single("phq-2 a", 3), Single("phq-2 b", 3));
        if (pairs.Count != 1) return (null, null);
        var values = pairs[0].Value.Split(' ').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        if (values.Any(v => v > 3))
        {
            Doubts.Add("phq-2 answers out of range 0-3");
            return (null, null);
        }
        Read.Add($"phq-2 {values[0]} and {values[1]} from \"{pairs[0].Words}\"");
        return (values[0], values[1]);
    }

    private static int? Number(string token) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : ReplyPatterns.NumberWords.TryGetValue(token, out var w) ? w
        : ReplyPatterns.Phq2OptionValue.TryGetValue(token, out var o) ? o : null;

    [GeneratedRegex(@"/\s*10$")]
    private static partial Regex ScaleOfTen();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?<clause>[^.,;!]*)(?:[.,;!]+|$)")]
    private static partial Regex ClauseEnd();
}
