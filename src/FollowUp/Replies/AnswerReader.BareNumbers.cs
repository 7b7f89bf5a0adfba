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

    /// <summary>"7 - stiff after the weekend", "about 6 today", "6ish": an unlabelled number opening a line is the pain.</summary>
    private void ReadNumberFirstLines()
    {
        var offset = 0;
        foreach (var line in Current.Split('\n'))
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

    [GeneratedRegex(@"^(?<clause>[^.,;!]*)(?:[.,;!]+|$)")]
    private static partial Regex ClauseEnd();
}
