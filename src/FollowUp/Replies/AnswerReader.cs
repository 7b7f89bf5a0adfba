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
    private readonly List<int> moodEnds = [];
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
        var kept = string.Join('\n', folded.Where(l => !NotAnAnswer.IsCheckInLine(l)));
        // Street names are told by their capitals, so they are found on the text as written, where it lines up.
        var asWritten = string.Join('\n', written.Where((_, i) => !NotAnAnswer.IsCheckInLine(folded[i])));
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
            foreach (Match street in NotAnAnswer.NamedStreet.Matches(asWritten)) reader.Blank(street.Index, street.Length);
        reader.ReadOtherQuestions();
        reader.Blank(NotAnAnswer.Numbers);
        foreach (Match phone in NotAnAnswer.Phone.Matches(reader.Current))
            if (phone.Value.Count(char.IsDigit) >= 7) reader.Blank(phone.Index, phone.Length);
        // After the phone numbers: "333 1234567" is one number, not a 333 beside a postcode.
        foreach (Match number in NotAnAnswer.LongNumber.Matches(reader.Current)) reader.Blank(number.Index, number.Length);
        reader.ReadAll();
        return reader;
    }

    private string Current => new(text);

    private void ReadAll()
    {
        TakeBackCorrections();
        ReadPhq2Pairs();
        // Two numbers joined ("5 or 6", "3-4") are read as neither, before anything can take one of them.
        foreach (Match m in DoubtPatterns.Alternative.Matches(Current))
            if (!ScaleOfTen().IsMatch(m.Value) && Claim(m)) NumberDoubt($"two numbers joined as a range or a choice (\"{m.Value.Trim()}\")");
        Take(Phq2Patterns.Interest, "phq-2 a");
        Take(Phq2Patterns.Down, "phq-2 b");
        foreach (Match both in Phq2Patterns.Phq2Both.Matches(Current))
            if (Claim(both))
            {
                Found("phq-2 a", both.Groups["v"].Value, false, both.Value);
                Found("phq-2 b", both.Groups["v"].Value, false, both.Value);
            }
        Take(Phq2Patterns.Phq2First, "phq-2 a");
        Take(Phq2Patterns.Phq2Second, "phq-2 b");
        Take(PainPatterns.Pain, "pain");
        Take(PainPatterns.PainRemark, "pain");
        Take(MoodPatterns.MoodBelow, "mood");
        Take(MoodPatterns.Mood, "mood");
        Take(MoodPatterns.MoodAlone, "mood");
        // "tô de boa, …, humor bom": what the label says is the mood; "I am …" only when no label gives it.
        if (!found.Any(f => f.Item == "mood")) Take(MoodPatterns.MoodSaid, "mood");
        ReadRestOfMoodClauses();
        if (found.Any(f => f.Item == "pain") && found.Any(f => f.Item == "mood"))
        {
            Take(Phq2Patterns.NumberedFirst, "phq-2 a");
            Take(Phq2Patterns.NumberedSecond, "phq-2 b");
        }
        foreach (Match none in PainPatterns.NoPain.Matches(Current))
            if (Claim(none)) Found("pain", "0", false, none.Value);
        Take(PainPatterns.ZeroBeforeLabel, "pain");
        Take(BareNumberPatterns.Score, "pain");
        Take(BareNumberPatterns.Hedged, "pain");
        Take(BareNumberPatterns.AtLevel, "pain");
        Take(BareNumberPatterns.Approximately, "pain");
        Take(BareNumberPatterns.NowNumber, "pain");
        ReadLoneNumber();
        ReadNumberFirstLines();
        ReadNumberLastLines();
        ReadMoodSentences();
        // "(was 7 before the course)", "yesterday 6": an earlier value beside this week's, not a second answer.
        foreach (Match past in DoubtPatterns.PastValue.Matches(Current)) Claim(past);

        // What is left can only make the numbers doubtful.
        foreach (var (pattern, why) in (ReadOnlySpan<(Regex, string)>)[
                     (DoubtPatterns.Between, "a range"),
                     (DoubtPatterns.Comparative, "a comparison, not one number"),
                     (DoubtPatterns.CorrectedNumber, "a number after a correction"),
                     (DoubtPatterns.NumberAtATimeOfDay, "a second number at another time of day")])
            foreach (Match m in pattern.Matches(Current))
                if (Claim(m)) NumberDoubt($"{why} (\"{m.Value.Trim()}\")");
        foreach (Match m in DoubtPatterns.LooseNumber.Matches(Current))
            if (Claim(m)) NumberDoubt($"a number that answers nothing asked (\"{m.Value}\")");
        if (!found.Any(f => f.Item == "pain") && PainPatterns.PainLabel.IsMatch(Current))
            Doubts.Add("pain is mentioned but no number was read for it");
        if (!found.Any(f => f.Item == "pain") && DoubtPatterns.SameAsBefore.Match(Current) is { Success: true } same)
            Doubts.Add($"\"{same.Value}\" without a number");
        if (!found.Any(f => f.Item == "mood") && MoodPatterns.MoodLabel.Match(Current) is { Success: true } mood)
            Doubts.Add($"\"{mood.Value}\" is mentioned but no mood we know follows it");
    }

    /// <summary>
    /// "Pain 5 - no wait, 6": the number taken back and the words taking it back are erased, as if never typed, so that
    /// the number meant stands where the label expects it. Anything less clear ("5 or 6") stays for the doubts.
    /// </summary>
    private void TakeBackCorrections()
    {
        foreach (Match m in DoubtPatterns.Correction.Matches(Current))
        {
            if (used.AsSpan(m.Index, m.Length).Contains(true)) continue;
            Read.Add($"\"{Spaces().Replace(m.Value, " ").Trim()}\" taken back: the number after it counts");
            for (var i = m.Index; i < m.Index + m.Length; i++)
                if (text[i] != '\n') text[i] = ' ';
        }
    }

    /// <summary>
    /// "Ánimo: bien y mal", "Humor: bom, à noite em baixo": every further mood word in the clause a mood opened is read as
    /// a mood too, so that two meanings make the mood doubtful rather than the first one stored.
    /// </summary>
    private void ReadRestOfMoodClauses()
    {
        // The text once, not once a mood: what this loop blanks is told by `used`, which each match checks.
        var current = Current;
        foreach (var end in moodEnds)
            for (var m = MoodPatterns.InSameClause.Match(current, end); m.Success; m = m.NextMatch())
                if (!used.AsSpan(m.Groups["v"].Index, m.Groups["v"].Length).Contains(true))
                {
                    Found("mood", m.Groups["v"].Value, false, m.Groups["v"].Value);
                    Blank(m.Groups["v"].Index, m.Groups["v"].Length, ReadMark);
                }
    }

    /// <summary>Every match of an item's pattern that does not overlap what was already read.</summary>
    private void Take(Regex pattern, string item)
    {
        foreach (Match m in pattern.Matches(Current))
        {
            if (!Claim(m)) continue;
            Found(item, m.Groups["v"].Value, m.Groups["range"].Success, m.Value);
            // A mood as a number ("mood 3 - not great") keeps its comment; only a mood word opens a phrase to look along.
            if (item == "mood" && MoodPatterns.MoodWordMeaning.ContainsKey(found[^1].Value)) moodEnds.Add(m.Index + m.Length);
            if (m.Groups["den"].Success && Number(m.Groups["den"].Value) != 10)
                NumberDoubt($"{item} given on another scale than 0-10 (\"{m.Value.Trim()}\")");
        }
    }

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

    [GeneratedRegex(@"/\s*10$")]
    private static partial Regex ScaleOfTen();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
