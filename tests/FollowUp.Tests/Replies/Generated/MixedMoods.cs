namespace FollowUp.Tests.Replies.Generated;

public static partial class Patients
{
    /// <summary>
    /// A mood that is no one of good, okay and low, as patients put it after the mood label: it varies, or it is good
    /// at one time and low at another. Written from how people say it, not from the reader's lexicon.
    /// </summary>
    private static readonly Dictionary<string, string[]> MixedMoods = new()
    {
        ["en"] = ["up and down", "mixed, some good days and some low ones", "good in the morning, low by the evening", "all over the place this week",
            "fine during the day but low at night", "varies a lot"],
        ["de"] = ["gemischt", "mal gut, mal schlecht", "morgens gut, abends eher gedrückt", "schwankend", "auf und ab", "wechselhaft, teils gut teils mies"],
        ["fr"] = ["variable", "bien le matin, mais le soir plutôt bas", "des hauts et des bas", "ça dépend des jours", "en dents de scie"],
        ["es"] = ["bien y mal", "depende del día", "con altibajos", "por la mañana bien, por la noche bajo", "variable, unos días bien y otros mal"],
        ["it"] = ["altalenante", "la mattina buono, la sera giù", "alti e bassi", "variabile", "dipende dai giorni"],
        ["nl"] = ["wisselend", "op en neer", "'s ochtends goed, 's avonds somber", "wisselvallig", "goede en slechte dagen"],
        ["pt"] = ["bom e mau, varia muito", "altos e baixos", "varia", "de manhã bem, à noite em baixo", "instável, depende do dia"],
    };
}
