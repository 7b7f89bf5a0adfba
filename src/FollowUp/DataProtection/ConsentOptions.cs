namespace FollowUp.DataProtection;

/// <summary>
/// On what basis the clinic emails its patients, and the standing consent rule an admin may set on purpose. Part of the
/// clinic's settings (FollowUp:Clinic), bound here because consent is this feature's.
/// </summary>
public sealed class ConsentOptions
{
    public const string Section = "FollowUp:Clinic";

    /// <summary>
    /// The legal basis of the follow-up emails, recorded with every consent row: consent (GDPR art. 6(1)(a) with 9(2)(a)),
    /// treatment_relationship (follow-up as part of the care, art. 6(1)(b)/(c) with 9(2)(h); HIPAA treatment) or
    /// legitimate_interest (art. 6(1)(f)). Consent by default: the strictest, which a clinic relaxes only on its own advice.
    /// </summary>
    public string LegalBasis { get; set; } = ConsentMethods.Consent;

    /// <summary>
    /// The clinic's standing rule when an enrolment or an import row says nothing about consent: how every patient agreed
    /// (e.g. form: the intake form every patient signs covers the follow-up). Empty by default: then each enrolment must
    /// say it, and one that does not is refused.
    /// </summary>
    public string? DefaultConsent { get; set; }

    internal EnrolmentConsent? Default => ConsentMethods.ParseMethod(DefaultConsent) is { } method
        ? new EnrolmentConsent(method, null, null, "the clinic's standing rule (FollowUp:Clinic:DefaultConsent)") { FromClinicDefault = true }
        : null;

    internal IEnumerable<string> Validate()
    {
        if (!ConsentMethods.Bases.Contains(LegalBasis))
            yield return $"{Section}:LegalBasis must be one of {string.Join(", ", ConsentMethods.Bases)} (was \"{LegalBasis}\").";
        if (!string.IsNullOrWhiteSpace(DefaultConsent) && ConsentMethods.ParseMethod(DefaultConsent) is null)
            yield return $"{Section}:DefaultConsent must be how every patient agreed: one of {string.Join(", ", ConsentMethods.Given)}, or empty (was \"{DefaultConsent}\").";
    }
}

/// <summary>
/// How and when a patient agreed to follow-up, given at enrolment (flags, an import's columns, or the clinic's standing
/// rule); who recorded it when <see cref="By"/> is empty is the enrolling admin.
/// </summary>
public sealed record EnrolmentConsent(string Method, DateOnly? GivenOn, string? By, string? Note)
{
    /// <summary>The clinic's standing rule stood in for a per-patient record.</summary>
    public bool FromClinicDefault { get; init; }

    /// <summary>Who recorded the consent: the person the clinic named, else the admin who enrolled (the consent row and its audit say the same).</summary>
    internal string RecordedBy(string actor) => By?.Trim() is { Length: > 0 } by ? by : actor;

    internal IEnumerable<string> Problems(DateOnly today)
    {
        if (!ConsentMethods.Given.Contains(Method) && Method != ConsentMethods.Import)
            yield return $"consent '{Method}' is not a way to consent; use one of {string.Join(", ", ConsentMethods.Given)}";
        if (GivenOn > today) yield return $"consent date {GivenOn:yyyy-MM-dd} is in the future";
        if (By is { } by && (by.Trim().Length is 0 or > 200 || by.Any(char.IsControl))) yield return "consent recorder must be 1-200 characters without control characters";
        if (Note is { Length: > 500 } || Note?.Any(char.IsControl) == true) yield return "consent note is longer than 500 characters or has control characters";
    }
}

/// <summary>The words of consent: the ways to give it, the legal bases, and what an export's consent column may say.</summary>
public static class ConsentMethods
{
    public const string Consent = "consent";
    public const string Import = "import";
    public const string StopReply = "stop_reply";
    public const string Unsubscribe = "unsubscribe";

    public static readonly string[] Bases = [Consent, "treatment_relationship", "legitimate_interest"];

    /// <summary>Ways a patient gives consent that an admin records.</summary>
    public static readonly string[] Given = ["in_person", "form", "phone", "email", "web"];

    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.Ordinal)
    {
        ["inperson"] = "in_person", ["person"] = "in_person", ["facetoface"] = "in_person", ["verbal"] = "in_person", ["oral"] = "in_person",
        ["form"] = "form", ["paper"] = "form", ["written"] = "form", ["signed"] = "form", ["intakeform"] = "form",
        ["phone"] = "phone", ["telephone"] = "phone", ["call"] = "phone",
        ["email"] = "email", ["mail"] = "email",
        ["web"] = "web", ["online"] = "web", ["website"] = "web", ["portal"] = "web",
    };

    // An export's consent column often holds only a tick: the clinic's system says the patient agreed, not how.
    private static readonly HashSet<string> Yes = ["yes", "y", "true", "1", "x", "ja", "oui", "si", "sí", "sim", "consented", "given", "agreed"];
    private static readonly HashSet<string> No = ["no", "n", "false", "0", "nein", "non", "nee", "não", "nao", "declined", "refused", "withdrawn"];

    /// <summary>A way to give consent, from its name or a synonym ("In person", "paper"); null when it is none.</summary>
    public static string? ParseMethod(string? text) =>
        text is null ? null : Synonyms.GetValueOrDefault(Normalise(text));

    /// <summary>
    /// An import's consent cell: a way (in_person, form …), or a yes (recorded as given through the import); false for a
    /// no (the patient did not agree), null for anything else.
    /// </summary>
    public static (string? Method, bool Refused) ParseCell(string text)
    {
        var word = Normalise(text);
        if (ParseMethod(text) is { } method) return (method, false);
        if (Yes.Contains(text.Trim().ToLowerInvariant()) || Yes.Contains(word)) return (Import, false);
        return (null, No.Contains(text.Trim().ToLowerInvariant()) || No.Contains(word));
    }

    private static string Normalise(string text) => new([.. text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
}
