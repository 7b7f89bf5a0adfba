using System.Globalization;
using System.Text.Json;

namespace FollowUp.Languages;

/// <summary>
/// Everything FollowUp writes to a patient, in one language, as a native speaker can check it: Languages/outgoing/xx.json,
/// embedded in the assembly and read once. The check-in's sentences are Liquid snippets ({{ patient_name }}) that the
/// built-in templates put together; the letters (clarification, crisis contacts, STOP confirmation) are plain text
/// with {placeholders}. The reading lexicons (Languages/xx.json) are separate: replies are read in every language.
/// </summary>
internal sealed record Wording
{
    public string Code { get; init; } = "";
    /// <summary>The culture whose month names a date is written with (de-DE: "5. November 2026").</summary>
    public string Culture { get; init; } = "";
    public string DateFormat { get; init; } = "";
    /// <summary>What an admin or a clinic's export may call the language, in the supported languages ("German", "Deutsch", "allemand").</summary>
    public string[] Names { get; init; } = [];
    public string[] Sources { get; init; } = [];
    public CheckInWording CheckIn { get; init; } = new();
    public SinceWording Since { get; init; } = new();
    public QuestionWording Questions { get; init; } = new();
    public Letter Clarification { get; init; } = new();
    public Letter Crisis { get; init; } = new();
    public Letter StopConfirmation { get; init; } = new();
    public WebWording Web { get; init; } = new();

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    // The order in which the languages are listed to admins, English first; declared before All, which reads it.
    private static readonly string[] Order = ["en", "de", "fr", "es", "it", "nl", "pt"];

    /// <summary>Every language FollowUp writes: en, de, fr, es, it, nl, pt.</summary>
    public static IReadOnlyList<Wording> All { get; } = Load();

    /// <summary>The language's wording; an unknown code is a programming error (codes are checked where they come in).</summary>
    public static Wording For(string code) =>
        All.FirstOrDefault(w => string.Equals(w.Code, code, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"no outgoing wording for language '{code}'", nameof(code));

    /// <summary>A date as the patient's culture writes it in a sentence: "5 November 2026", "5. November 2026", "5 de noviembre de 2026".</summary>
    public string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.GetCultureInfo(Culture));

    /// <summary>How long after the course: "one week", "2 Wochen", "10 jours".</summary>
    public string SinceCourse(int offsetDays) =>
        offsetDays % 7 == 0
            ? offsetDays == 7 ? Since.OneWeek : Since.Weeks.Replace("{n}", (offsetDays / 7).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            : Since.Days.Replace("{n}", offsetDays.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>A letter's text with its {placeholders} filled in one pass (a value is never read as a placeholder); {emergency} is the check-in's emergency line.</summary>
    public string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        Placeholder.Replace(template, m => m.Groups[1].Value == "emergency" ? CheckIn.Emergency
            : values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    private static readonly System.Text.RegularExpressions.Regex Placeholder = new(@"\{(\w+)\}", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static List<Wording> Load()
    {
        var assembly = typeof(Wording).Assembly;
        var all = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("FollowUp.Outgoing.", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                return JsonSerializer.Deserialize<Wording>(stream, Json) ?? throw new InvalidOperationException($"{n} is empty");
            })
            .OrderBy(w => Array.IndexOf(Order, w.Code) is var i and >= 0 ? i : Order.Length).ThenBy(w => w.Code, StringComparer.Ordinal)
            .ToList();
        return all.Count > 0 ? all : throw new InvalidOperationException("no outgoing wording embedded under Languages/outgoing/");
    }
}

/// <summary>The check-in email's sentences (Liquid snippets over the template fields).</summary>
internal sealed record CheckInWording
{
    public string Subject { get; init; } = "";
    public string Hello { get; init; } = "";
    public string Reminder { get; init; } = "";
    public string Since { get; init; } = "";
    public string AskReply { get; init; } = "";
    public string Therapist { get; init; } = "";
    public string TherapistUnnamed { get; init; } = "";
    /// <summary>Appended to every email by FollowUp, so no template can drop it.</summary>
    public string Emergency { get; init; } = "";
    public string Stop { get; init; } = "";
}

internal sealed record SinceWording
{
    public string OneWeek { get; init; } = "";
    public string Weeks { get; init; } = "";
    public string Days { get; init; } = "";
}

/// <summary>The instrument's questions (NRS, mood, PHQ-2) and the answer examples, which the reader must read in that language.</summary>
internal sealed record QuestionWording
{
    public string Pain { get; init; } = "";
    public string PainAnchors { get; init; } = "";
    public string Mood { get; init; } = "";
    public string Phq2Stem { get; init; } = "";
    public string Interest { get; init; } = "";
    public string Down { get; init; } = "";
    public string Phq2Options { get; init; } = "";
    public string ForExample { get; init; } = "";
    public string ExamplePainMoodPhq2 { get; init; } = "";
    public string ExamplePainMood { get; init; } = "";
    public string ExamplePhq2 { get; init; } = "";
}

/// <summary>A short plain-text email: its subject and text, with {placeholders}.</summary>
internal sealed record Letter
{
    public string Subject { get; init; } = "";
    public string Text { get; init; } = "";
}

/// <summary>
/// The patient pages of the web face (answer on the web, unsubscribe) and the check-in email's line that links to them;
/// {since} and {clinic_name} are filled by the page. Public: the web face renders them.
/// </summary>
public sealed record WebWording
{
    public string EmailLine { get; init; } = "";
    public string EmailLink { get; init; } = "";
    public string Title { get; init; } = "";
    public string Heading { get; init; } = "";
    public string Pain { get; init; } = "";
    public string PainLow { get; init; } = "";
    public string PainHigh { get; init; } = "";
    public string Mood { get; init; } = "";
    public string MoodLow { get; init; } = "";
    public string MoodHigh { get; init; } = "";
    /// <summary>The PHQ-2 answer options 0-3, in the validated translation's words.</summary>
    public string[] Phq2Choices { get; init; } = [];
    public string Send { get; init; } = "";
    public string Missing { get; init; } = "";
    public string Thanks { get; init; } = "";
    public string Answered { get; init; } = "";
    public string Expired { get; init; } = "";
    public string Closed { get; init; } = "";
    public string Invalid { get; init; } = "";
    public string WriteInstead { get; init; } = "";
    public string UnsubscribeTitle { get; init; } = "";
    public string UnsubscribeText { get; init; } = "";
    public string UnsubscribeButton { get; init; } = "";
    public string UnsubscribedTitle { get; init; } = "";
    public string Unsubscribed { get; init; } = "";
}
