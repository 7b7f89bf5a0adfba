using System.Text.RegularExpressions;
using FollowUp.Languages;

namespace FollowUp.Replies;

// The pain given without a label, read line by line: a weak number word alone on the first line, a number
// opening a line (and a mood word as its comment), a number closing a line after a plain comment.
internal sealed partial class AnswerReader
{
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
            if (BareNumberPatterns.LoneNumber.Match(line) is { Success: true } m)
            {
                Found("pain", m.Groups["v"].Value, false, line.Trim());
                Blank(offset, line.Length);
            }
            return;
        }
    }

    /// <summary>
    /// "7 - stiff after the weekend", "about 6 today", "6ish", "bad night. 7. low": an unlabelled number opening a line or
    /// a sentence is the pain.
    /// </summary>
    private void ReadNumberFirstLines()
    {
        var offset = 0;
        foreach (var whole in Current.Split('\n'))
        {
            foreach (var start in SentenceStarts(whole))
                ReadNumberFirst(whole[start..], offset + start);
            offset += whole.Length + 1;
        }
    }

    /// <summary>Where the line's sentences begin: its start, and after every full stop, "!", "?" or ";" and a space.</summary>
    private static IEnumerable<int> SentenceStarts(string line)
    {
        yield return 0;
        foreach (Match m in SentenceBreak().Matches(line)) yield return m.Index + m.Length;
    }

    private void ReadNumberFirst(string line, int offset)
    {
        if (BareNumberPatterns.NumberFirst.Match(line) is { Success: true } m && !used.AsSpan(offset + m.Groups["v"].Index, m.Groups["v"].Length).Contains(true))
        {
            var end = m.Groups["rest"].Index;
            Found("pain", m.Groups["v"].Value, m.Groups["range"].Success, line[..end]);
            // "6, good", "4 / ok. interest 1 …": a comment whose first clause is nothing but a mood word is the mood.
            var clause = ClauseEnd().Match(m.Groups["comment"].Value);
            var comment = Spaces().Replace(clause.Groups["clause"].Value, " ").Trim();
            if (comment.Length > 0 && MoodPatterns.MoodWordMeaning.ContainsKey(comment))
            {
                Found("mood", comment, false, comment);
                end = m.Groups["comment"].Index + clause.Length;
            }
            Blank(offset, end);
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
            if (BareNumberPatterns.NumberLast.Match(line) is { Success: true } m && !used.AsSpan(offset + m.Groups["v"].Index, m.Groups["v"].Length).Contains(true)
                && Plain(PainPatterns.PainLabelFirst.Replace(m.Groups["comment"].Value, "", 1)))
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
        !QuoteMarkers.NamesAnItem(comment) && !DoubtPatterns.LooseNumber.IsMatch(comment)
        && (!BareNumberPatterns.EndsInAUnit.IsMatch(comment) || BareNumberPatterns.ComparesWithBefore.IsMatch(comment));

    /// <summary>
    /// "Pain 8 (had a fall). Low.", "pain: 2" then "buono" on a line of its own (an answer typed under the quoted mood
    /// question): a sentence that is nothing but a mood word, after something was read, is the mood.
    /// </summary>
    private void ReadMoodSentences()
    {
        if (found.Any(f => f.Item == "mood")) return;
        var current = Current;
        var firstRead = current.IndexOf(ReadMark, StringComparison.Ordinal);
        if (firstRead < 0) return;
        foreach (Match sentence in MoodSentence().Matches(current, firstRead))
        {
            var word = sentence.Groups["w"];
            if (!MoodPatterns.MoodWordMeaning.ContainsKey(word.Value) || used.AsSpan(word.Index, word.Length).Contains(true)) continue;
            Found("mood", word.Value, false, word.Value);
            Blank(word.Index, word.Length, ReadMark);
        }
    }

    [GeneratedRegex(@"(?<=[.!?;])[ \t]+")]
    private static partial Regex SentenceBreak();

    // A sentence between a line's start or a full stop and the next full stop or the line's end; not a question ("ok?"),
    // nor words right after what was read ("pain 3 better" says the pain is better).
    [GeneratedRegex(@"(?<=^|[.!;])[ \t\u0001""'*(\-]*(?<w>[\p{L}' \-]+?)[ \t""'*)]*(?:[.!;]+|[ \t]*$)(?=[ \t\u0001]*$|[ \t]+\S)", RegexOptions.Multiline)]
    private static partial Regex MoodSentence();

    [GeneratedRegex(@"^(?<clause>[^.,;!]*)(?:[.,;!]+|$)")]
    private static partial Regex ClauseEnd();
}
