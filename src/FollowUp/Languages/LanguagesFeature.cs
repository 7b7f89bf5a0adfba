using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Languages;

/// <summary>
/// The clinic's language (FollowUp:Clinic:Language): what a patient enrolled without one gets, what a patient enrolled
/// before languages were asked gets, and the language of a schedule's own templates. Its own options class over the
/// clinic's section, so that enrolling a course needs this one setting valid, not the clinic's mail secrets.
/// </summary>
public sealed class ClinicLanguageOptions
{
    public const string Section = "FollowUp:Clinic";

    /// <summary>A code (en, de, fr, es, it, nl, pt) or the language's name; default English.</summary>
    public string Language { get; set; } = "en";

    /// <summary>The language's code; "en" only when the setting is invalid, which stops the worker at start anyway.</summary>
    public string Code => PatientLanguage.Parse(Language) ?? "en";

    internal IEnumerable<string> Validate()
    {
        if (PatientLanguage.Parse(Language) is null) yield return PatientLanguage.Problem($"{Section}:Language", Language);
    }
}

internal static class LanguagesFeature
{
    internal static IServiceCollection AddLanguages(this IServiceCollection services) =>
        services.AddSettings<ClinicLanguageOptions>(ClinicLanguageOptions.Section, o => o.Validate());
}
