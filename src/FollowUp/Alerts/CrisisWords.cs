using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace FollowUp.Alerts;

/// <summary>
/// The one self-harm rule: wording of self-harm and suicide in a patient's own text, used by the inbox to flag a
/// reply and by the alert rule to raise a crisis alert. Deliberately over-inclusive ("I am not suicidal" matches
/// too): it is a prompt for a person to read the reply, not a diagnosis, and a missed one is the worse error.
/// The list is the built-in multilingual <see cref="BuiltIn"/> patterns plus the clinic's own phrases
/// (<see cref="AlertOptions.SelfHarmPhrases"/>), matched on the same normalised text on word boundaries. Pure.
/// Sources for the English forms: the Columbia Suicide Severity Rating Scale screener wording and the phrases the
/// Samaritans' media guidelines list; German, French, Spanish, Italian, Dutch and Portuguese are the common
/// equivalents, leaving out idioms said of the pain itself ("farla finita con questo dolore").
/// </summary>
internal sealed class CrisisWords
{
    /// <summary>Regular expressions over <see cref="Normalize"/>d text (lower case, apostrophes as ', words single-spaced).</summary>
    public static readonly IReadOnlyList<string> BuiltIn =
    [
        // English
        @"kill(?:ing)? my ?self", @"killed my ?self", @"end(?:ing)? it all", @"end(?:ing)? my (?:own )?life", @"take my (?:own )?life",
        @"(?:don't|dont|do not|didn't|no longer|not) (?:really )?want to (?:live|be alive|be here anymore|go on|wake up)",
        @"want(?:ed)? to die", @"wish (?:i was|i were|i was) dead", @"better off dead", @"no (?:reason|point) (?:to live|in living|going on)",
        @"suicid(?:e|al)", @"self ?harm(?:ing)?", @"(?:hurt|harm|cut)(?:ting)? my ?self", @"can't go on", @"cannot go on",
        @"not worth living", @"overdose",
        // German
        @"(?:mich|mir) (?:umbringen|das leben nehmen)", @"nicht mehr leben", @"suizid\w*", @"selbstmord\w*",
        // French
        @"me suicider", @"en finir", @"me tuer", @"plus envie de vivre",
        // Spanish
        @"suicidarme", @"quitarme la vida", @"matarme", @"no quiero vivir", @"acabar con todo",
        // Italian (no "farla finita" or "non ce la faccio più": said of the pain every day)
        @"suicid\w*", @"uccidermi", @"ammazzarmi", @"togliermi la vita", @"non voglio (?:più |piu )?vivere", @"voglio morire", @"vorrei morire",
        @"autolesion\w*", @"farmi del male", @"non vale la pena (?:di )?vivere",
        // Dutch (not "mezelf pijn doen": said of lifting and gardening)
        @"zelfmoord\w*", @"su[iï]ci\w*", @"mezelf (?:van kant maken|doden|iets aan(?:doen| te doen))", @"mijn leven (?:be[eë]indigen|nemen)",
        @"er een einde? aan (?:maken|te maken)", @"(?:wil|wilde) (?:niet meer leven|dood)", @"zelfbeschadiging", @"mezelf beschadigen",
        // Portuguese (the normaliser turns "matar-me" into "matar me")
        @"suic[ií]d\w*", @"matar me", @"me matar", @"tirar a (?:minha )?(?:pr[oó]pria )?vida", @"n[aã]o quero (?:mais )?viver", @"quero morrer",
        @"automutila\w*", @"autoles[aã]o", @"acabar com (?:tudo|a minha vida)", @"p[oô]r fim [aà] (?:minha )?vida",
    ];

    /// <summary>The built-in list alone (what a clinic without phrases of its own has).</summary>
    public static CrisisWords Default { get; } = new([]);

    // One compiled list per distinct set of clinic phrases: the alert rule runs for every stored answer and a
    // re-assessment over a million readings, and building the automaton is the expensive part.
    private static readonly ConcurrentDictionary<string, CrisisWords> ByPhrases = new(StringComparer.Ordinal);

    private readonly Regex pattern;

    /// <summary>The built-in list plus <paramref name="clinicPhrases"/> (plain words, matched as whole words).</summary>
    public CrisisWords(IEnumerable<string> clinicPhrases)
    {
        var own = clinicPhrases.Select(Normalize).Select(p => p.Trim()).Where(p => p.Length > 0).Select(Regex.Escape);
        // NonBacktracking runs in time linear in the text, so hostile input cannot make it slow and it needs no match
        // timeout (a wall-clock timeout fired on two-line replies on a loaded machine and stopped the inbox).
        pattern = new Regex(@"\b(?:" + string.Join("|", BuiltIn.Concat(own)) + @")\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    /// <summary>The list for a clinic's configured phrases, built once per distinct set.</summary>
    public static CrisisWords For(IReadOnlyList<string> clinicPhrases) =>
        clinicPhrases.Count == 0 ? Default : ByPhrases.GetOrAdd(string.Join('\n', clinicPhrases), _ => new CrisisWords(clinicPhrases));

    /// <summary>The self-harm wording in <paramref name="text"/> (any text; normalised here), each once, as normalised.</summary>
    public IReadOnlyList<string> Find(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : pattern.Matches(Normalize(text)).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The first self-harm wording in <paramref name="text"/>, or null.</summary>
    public string? FindFirst(string? text) => Find(text) is { Count: > 0 } found ? found[0] : null;

    /// <summary>The crisis finding for the latest reading that mentions self-harm (or was flagged by the inbox), or null.</summary>
    public static Finding? Evaluate(IReadOnlyList<PainReading> readings, AlertOptions options)
    {
        var words = For(options.SelfHarmPhrases);
        foreach (var reading in readings.OrderByDescending(r => r.OffsetDays))
        {
            var phrase = words.FindFirst(reading.Text);
            if (phrase is null && !reading.CrisisFlag) continue;
            var said = phrase is null ? "" : $" (\"{phrase}\")";
            return new Finding(AlertKinds.Crisis, AlertKinds.High,
                $"Reply at {LateWorseningRule.When(reading.OffsetDays)} mentions self-harm{said}; the patient was emailed the crisis contacts", reading);
        }
        return null;
    }

    /// <summary>
    /// The one normaliser: lower case, typographic apostrophes as ', every run of anything but letters, digits and
    /// apostrophes one space; " Self-harm!" and "self  harm" both become "self harm".
    /// </summary>
    public static string Normalize(string text)
    {
        var output = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            var letter = c is '\u2019' or '\u2018' or '\u02bc' ? '\'' : c;
            if (char.IsLetterOrDigit(letter) || letter == '\'') output.Append(letter);
            else if (output.Length > 0 && output[^1] != ' ') output.Append(' ');
        }
        if (output.Length > 0 && output[^1] == ' ') output.Length--;
        return output.ToString();
    }
}
