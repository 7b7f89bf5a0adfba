using System.Collections.Concurrent;
using FollowUp.Languages;

namespace FollowUp.Schedules;

/// <summary>
/// The admin-editable email text (Fluid, a Liquid implementation): parsed and checked when a schedule is saved,
/// rendered when each email is sent so that an edit reaches check-ins already queued. The lines that must always be
/// there (not for emergencies, reply STOP) are not in the templates: FollowUp appends them, so no edit can drop them.
/// Which templates an email uses is here; checking them at saving is in TemplateChecks.cs, rendering in TemplateRendering.cs.
/// </summary>
public static partial class Templates
{
    /// <summary>The built-in English templates (each language's are <see cref="BuiltIn"/>).</summary>
    public static string DefaultSubject => BuiltIn("en").Subject!;
    public static string DefaultText => BuiltIn("en").Text!;
    public static string DefaultHtml => BuiltIn("en").Html!;

    /// <summary>
    /// The built-in templates of a language, put together from its sentences (Languages/outgoing/xx.json). Short lines
    /// and plain words: many patients read this on a phone, some of them tired or low.
    /// </summary>
    internal static ScheduleTemplates BuiltIn(string language) => BuiltIns.GetOrAdd(language, code =>
    {
        var w = Wording.For(code).CheckIn;
        var therapist = $$$"""{% if therapist_name != blank %}{{{w.Therapist}}}{% else %}{{{w.TherapistUnnamed}}}{% endif %}""";
        return new ScheduleTemplates(w.Subject,
            $$$"""
            {{{w.Hello}}}
            {% if is_reminder %}
            {{{w.Reminder}}}
            {% endif %}
            {{{w.Since}}}
            {{{w.AskReply}}}

            {{ questions }}

            {{{therapist}}}
            """,
            $$$"""
            <p>{{{w.Hello}}}</p>
            {% if is_reminder %}<p>{{{w.Reminder}}}</p>{% endif %}
            <p>{{{w.Since}}}<br>{{{w.AskReply}}}</p>
            <ul>{% for line in question_lines %}<li>{{ line }}</li>{% endfor %}</ul>
            <p>{{{therapist}}}</p>
            """);
    });

    private static readonly ConcurrentDictionary<string, ScheduleTemplates> BuiltIns = new(StringComparer.Ordinal);

    /// <summary>
    /// The language a patient's email is written in: their own, unless the schedule has templates of its own and none
    /// in that language; then the clinic's, in which the schedule's own templates are written (warned at validate).
    /// </summary>
    public static string LanguageFor(Schedule schedule, string patientLanguage, string clinicLanguage) =>
        !schedule.HasOwnTemplates || patientLanguage == clinicLanguage || schedule.Translations.ContainsKey(patientLanguage)
            ? patientLanguage : clinicLanguage;

    /// <summary>The templates an email in <paramref name="language"/> is rendered with: the schedule's own in that language, else the built-in.</summary>
    internal static ScheduleTemplates For(Schedule schedule, string language, string clinicLanguage)
    {
        var builtIn = BuiltIn(language);
        var own = schedule.Translations.TryGetValue(language, out var translation) ? translation
            : language == clinicLanguage ? new ScheduleTemplates(schedule.SubjectTemplate, schedule.TextTemplate, schedule.HtmlTemplate)
            : null;
        return own is null ? builtIn : new ScheduleTemplates(own.Subject ?? builtIn.Subject, own.Text ?? builtIn.Text, own.Html ?? builtIn.Html);
    }

    /// <summary>
    /// What a schedule's own templates leave to a fallback, one warning each, naming the schedule, the templates and the
    /// languages: patients whose language has no version get the clinic's; a translation without a template the
    /// clinic's language has gets that language's built-in one. Warnings, not problems: the schedule may be saved.
    /// </summary>
    public static IReadOnlyList<string> FallbackWarnings(Schedule schedule, string clinicLanguage)
    {
        var warnings = new List<string>();
        var own = new ScheduleTemplates(schedule.SubjectTemplate, schedule.TextTemplate, schedule.HtmlTemplate).Each()
            .Where(t => t.Source is not null).Select(t => t.What).ToList();
        if (own.Count == 0) return warnings;
        var missing = PatientLanguage.Codes.Where(c => c != clinicLanguage && !schedule.Translations.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            warnings.Add($"schedule '{schedule.Name}': its {Join(own)} {(own.Count == 1 ? "has" : "have")} no version in {Join(missing)}; patients with {(missing.Count == 1 ? "that language" : "those languages")} get {(own.Count == 1 ? "it" : "them")} in the clinic's language ({clinicLanguage})");
        foreach (var (language, translation) in schedule.Translations.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var lacking = translation.Each().Where(t => t.Source is null && own.Contains(t.What)).Select(t => t.What).ToList();
            if (lacking.Count > 0)
                warnings.Add($"schedule '{schedule.Name}': its {language} templates have no {Join(lacking)}; {language} patients get the built-in {language} one{(lacking.Count == 1 ? "" : "s")}");
        }
        return warnings;
    }

    private static string Join(List<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
}
