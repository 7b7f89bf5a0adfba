using System.Globalization;
using System.Text.RegularExpressions;
using FollowUp.Languages;

namespace FollowUp.Replies;

// The two PHQ-2 answers: for "the other two" questions, as a pair of digits on a line, and the two values checked.
internal sealed partial class AnswerReader
{
    /// <summary>
    /// "les deux autres : plusieurs jours et jamais": the PHQ-2 answers given for "the other two" in the check-in's order;
    /// the count itself ("two", "deux") answers nothing, answered or not ("I'd rather skip the other two").
    /// </summary>
    private void ReadOtherQuestions()
    {
        foreach (Match m in Phq2Patterns.Phq2Others.Matches(Current))
            if (Claim(m))
            {
                Found("phq-2 a", m.Groups["a"].Value, false, m.Value);
                Found("phq-2 b", m.Groups["b"].Value, false, m.Value);
            }
        foreach (Match m in Phq2Patterns.OtherQuestions.Matches(Current)) Claim(m);
    }

    private void ReadPhq2Pairs()
    {
        var offset = 0;
        foreach (var line in Current.Split('\n'))
        {
            if (Phq2Patterns.Phq2Pair.Match(line) is { Success: true } pair)
            {
                Blank(offset, line.Length);
                found.Add(("phq-2 pair", $"{pair.Groups["a"].Value} {pair.Groups["b"].Value}", false, line.Trim()));
            }
            offset += line.Length + 1;
        }
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
}
