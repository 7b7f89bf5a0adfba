using System.Text.RegularExpressions;

namespace FollowUp.Languages;

/// <summary>
/// Patterns found as one alternation <c>p1|p2|…</c> would find them (leftmost match first; where two start at the same
/// place, the earlier pattern; the search goes on after each match), but each pattern searched on its own. One regex of
/// twenty unrelated alternatives is tried alternative by alternative at every position of the text; on its own, each
/// can skip ahead to where it may start (a digit, '@', a month's first letter).
/// </summary>
internal sealed class PatternList(IEnumerable<string> patterns, RegexOptions options)
{
    private readonly Regex[] patterns = patterns.Select(p => LexiconPatterns.Pattern(p, options)).ToArray();

    /// <summary>The matches in <paramref name="text"/>, in order, none overlapping.</summary>
    public IEnumerable<(int Index, int Length)> Matches(string text)
    {
        // The next match of each pattern at or after the current position (a failed Match: none further on).
        var next = new Match[patterns.Length];
        var at = 0;
        while (at <= text.Length)
        {
            Match? first = null;
            for (var k = 0; k < patterns.Length; k++)
            {
                if (next[k] is null || (next[k].Success && next[k].Index < at)) next[k] = patterns[k].Match(text, at);
                if (next[k].Success && (first is null || next[k].Index < first.Index)) first = next[k];
            }
            if (first is null) yield break;
            yield return (first.Index, first.Length);
            at = first.Index + Math.Max(first.Length, 1);
        }
    }
}
