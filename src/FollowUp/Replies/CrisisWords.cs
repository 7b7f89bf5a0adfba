using System.Text.RegularExpressions;

namespace FollowUp.Replies;

/// <summary>
/// Wording of self-harm and suicide in a patient's own text. A match flags the reply at once for the alert step,
/// whatever the numbers say; it is a prompt for a person to read the reply, not a diagnosis, so the list errs on
/// the side of flagging. Maintained list: add a phrase to <see cref="Phrases"/> (lower case, apostrophes as ').
/// Sources for the English forms: the Columbia Suicide Severity Rating Scale screener wording and the phrases
/// the Samaritans' media guidelines list; German, French and Spanish are the common equivalents.
/// </summary>
internal static partial class CrisisWords
{
    /// <summary>Each entry is a regular expression over normalized lower-case text; word boundaries are added.</summary>
    public static readonly IReadOnlyList<string> Phrases =
    [
        // English
        @"kill(?:ing)? my ?self", @"killed my ?self", @"end(?:ing)? it all", @"end(?:ing)? my (?:own )?life", @"take my (?:own )?life",
        @"(?:don't|dont|do not|didn't|no longer|not) (?:really )?want to (?:live|be alive|be here anymore|go on|wake up)",
        @"want(?:ed)? to die", @"wish (?:i was|i were|i was) dead", @"better off dead", @"no (?:reason|point) (?:to live|in living|going on)",
        @"suicid(?:e|al)", @"self[- ]?harm(?:ing)?", @"(?:hurt|harm|cut)(?:ting)? my ?self", @"can't go on", @"cannot go on",
        @"not worth living", @"overdose",
        // German
        @"(?:mich|mir) (?:umbringen|das leben nehmen)", @"nicht mehr leben", @"suizid\w*", @"selbstmord\w*",
        // French
        @"me suicider", @"en finir", @"me tuer", @"plus envie de vivre",
        // Spanish
        @"suicidarme", @"quitarme la vida", @"matarme", @"no quiero vivir", @"acabar con todo",
    ];

    // NonBacktracking runs in time linear in the text, so hostile input cannot make it slow and it needs no match
    // timeout. A timeout is wall-clock time: on a loaded machine (three workers on two cores, JIT of the pattern
    // counting toward it) the 1 s it had fired on two-line replies and the RegexMatchTimeoutException stopped the inbox
    // (ClusterDemoTests and the hostile-mail test, issue 8).
    private static readonly Regex Pattern = new(@"\b(?:" + string.Join("|", Phrases) + @")\b",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>The crisis phrases in <paramref name="normalizedText"/> (lower case, apostrophes as '), each once.</summary>
    public static IReadOnlyList<string> Find(string normalizedText) =>
        Pattern.Matches(Whitespace().Replace(normalizedText, " ")).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
