using FollowUp.Languages;

namespace FollowUp.Schedules;

/// <summary>The questions of a check-in, worded as the instruments word them in each language (Languages/outgoing). Fixed: they are not copy.</summary>
internal static class Questions
{
    public static IReadOnlyList<string> Lines(bool asksPhq2, bool asksMood, string language = "en") => Compose(asksPain: true, asksMood, asksPhq2, language);

    /// <summary>
    /// What a clarification asks again: the questions named by <paramref name="awaiting"/> (check_ins.awaiting: pain,
    /// phq2_a, phq2_b), or all of them when nothing says what is missing. Mood goes with pain, as the check-in asks them.
    /// </summary>
    public static IReadOnlyList<string> Again(IReadOnlyCollection<string>? awaiting, string language = "en")
    {
        if (awaiting is not { Count: > 0 }) return Compose(asksPain: true, asksMood: true, asksPhq2: false, language);
        var pain = awaiting.Contains("pain");
        return Compose(pain, asksMood: pain, asksPhq2: awaiting.Contains("phq2_a") || awaiting.Contains("phq2_b"), language);
    }

    /// <summary>Every language's question lines, as a check-in may quote them back.</summary>
    public static IEnumerable<string> AllLanguages() =>
        PatientLanguage.Codes.SelectMany(c => Lines(asksPhq2: true, asksMood: true, c).Concat(Lines(asksPhq2: false, asksMood: true, c)));

    private static List<string> Compose(bool asksPain, bool asksMood, bool asksPhq2, string language)
    {
        var q = Wording.For(language).Questions;
        var lines = new List<string>();
        if (asksPain)
        {
            lines.Add(q.Pain);
            lines.Add("      " + q.PainAnchors);
        }
        if (asksMood) lines.Add(q.Mood);
        if (asksPhq2)
        {
            // PHQ-2 (Kroenke, Spitzer & Williams 2003): two items, two-week recall, each 0-3, in the validated translation.
            lines.Add(q.Phq2Stem);
            lines.Add(q.Interest);
            lines.Add(q.Down);
            lines.Add("      " + q.Phq2Options);
        }
        lines.Add("");
        // The example always shows pain with a mood, as the reader takes both in one line.
        var example = (asksPain, asksPhq2) switch
        {
            (true, true) => q.ExamplePainMoodPhq2,
            (true, false) => q.ExamplePainMood,
            _ => q.ExamplePhq2,
        };
        lines.Add($"{q.ForExample}  {example}");
        return lines;
    }
}
