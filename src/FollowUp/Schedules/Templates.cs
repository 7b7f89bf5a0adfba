using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Ast;
using FollowUp.Languages;

namespace FollowUp.Schedules;

/// <summary>What a check-in email's templates may use: the only names they may mention.</summary>
public sealed record TemplateModel
{
    public required string PatientName { get; init; }
    /// <summary>Empty under a minimal-PHI schedule.</summary>
    public required string TherapistName { get; init; }
    public required string ClinicName { get; init; }
    /// <summary>"one week", "2 Wochen", "10 jours": how long since the course ended, in the email's language.</summary>
    public required string Since { get; init; }
    /// <summary>The course's last day as the email's language writes a date ("5 November 2026", "5. November 2026").</summary>
    public string EndedOn { get; init; } = "";
    public required int OffsetDays { get; init; }
    public required bool AsksPhq2 { get; init; }
    public required bool AsksMood { get; init; }
    public required bool IsReminder { get; init; }
    public required int ReminderNumber { get; init; }
    /// <summary>The questions as plain lines, composed by FollowUp from the check-in's items (not editable: they are the instrument).</summary>
    public required IReadOnlyList<string> QuestionLines { get; init; }

    internal static TemplateModel Sample => SampleIn("en");

    /// <summary>A sample check-in (two weeks after the course, with PHQ-2) written in <paramref name="language"/>.</summary>
    internal static TemplateModel SampleIn(string language) => new()
    {
        PatientName = "Dana Example",
        TherapistName = "Sam Taylor",
        ClinicName = "Example Clinic",
        Since = Wording.For(language).SinceCourse(14),
        EndedOn = Wording.For(language).Date(new DateOnly(2026, 11, 5)),
        OffsetDays = 14,
        AsksPhq2 = true,
        AsksMood = true,
        IsReminder = false,
        ReminderNumber = 0,
        QuestionLines = Questions.Lines(asksPhq2: true, asksMood: true, language),
    };

    internal Dictionary<string, object> ToValues() => new()
    {
        ["patient_name"] = PatientName,
        ["therapist_name"] = TherapistName,
        ["clinic_name"] = ClinicName,
        ["since"] = Since,
        ["ended_on"] = EndedOn,
        ["offset_days"] = OffsetDays,
        ["asks_phq2"] = AsksPhq2,
        ["asks_mood"] = AsksMood,
        ["is_reminder"] = IsReminder,
        ["reminder_number"] = ReminderNumber,
        ["questions"] = string.Join("\n", QuestionLines),
        ["question_lines"] = QuestionLines.ToArray(),
    };

    internal static readonly IReadOnlySet<string> Fields = new HashSet<string>(Sample.ToValues().Keys, StringComparer.Ordinal);
}

/// <summary>
/// The admin-editable email text (Fluid, a Liquid implementation): parsed and checked when a schedule is saved,
/// rendered when each email is sent so that an edit reaches check-ins already queued. The lines that must always be
/// there (not for emergencies, reply STOP) are not in the templates: FollowUp appends them, so no edit can drop them.
/// </summary>
public static class Templates
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

    private static readonly FluidParser Parser = new();
    // No file is ever read (include and render are refused when a schedule is saved; no file provider if one slips
    // through), and every render is bounded: a template is admin input, and one email's template must not stall
    // the sender or its memory (TemplateSafety).
    private static readonly TemplateOptions Options = new()
    {
        StrictFilters = true,
        MaxSteps = TemplateSafety.MaxSteps,
        MaxRecursion = TemplateSafety.MaxNesting,
        FileProvider = new Microsoft.Extensions.FileProviders.NullFileProvider(),
    };
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new(StringComparer.Ordinal);

    /// <summary>Every problem with the schedule's templates, as "text template, line 3, column 12: …"; each template is also rendered once with a sample check-in, within the bounds every send has.</summary>
    public static IReadOnlyList<string> Problems(Schedule schedule)
    {
        var problems = new List<string>();
        CheckSet("", new ScheduleTemplates(schedule.SubjectTemplate, schedule.TextTemplate, schedule.HtmlTemplate), problems);
        foreach (var (language, translation) in schedule.Translations.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (!PatientLanguage.Codes.Contains(language)) problems.Add(PatientLanguage.Problem("translations:", language));
            else CheckSet(language + " ", translation, problems);
        }
        return problems;
    }

    private static void CheckSet(string prefix, ScheduleTemplates set, List<string> problems)
    {
        Check(prefix + "subject template", set.Subject, null, problems);
        Check(prefix + "text template", set.Text, "questions", problems);
        Check(prefix + "HTML template", set.Html, null, problems);
        if (set.Html is { } html && !Mentions(html, "questions") && !Mentions(html, "question_lines"))
            problems.Add(prefix + "HTML template: must show the questions ({{ questions }} or a loop over question_lines)");
    }

    /// <summary>An English email from the schedule's templates (or the built-in ones) and the model, for a clinic whose language is English.</summary>
    public static (string Subject, string Text, string Html) Render(Schedule schedule, TemplateModel model) => Render(schedule, model, "en", "en");

    /// <summary>
    /// Subject, plain text and HTML of one email in <paramref name="language"/> (from <see cref="LanguageFor"/>; the
    /// model's words already in it), from the schedule's templates in that language or the built-in ones.
    /// Throws <see cref="TemplateFailureException"/> when a template cannot be rendered within its bounds: that email fails, no other.
    /// The "answer on the web" link, when given, is appended like the lines no edit may drop.
    /// </summary>
    public static (string Subject, string Text, string Html) Render(Schedule schedule, TemplateModel model, string language, string clinicLanguage, string? answerUrl = null)
    {
        var values = model.ToValues();
        var templates = For(schedule, language, clinicLanguage);
        var lines = Wording.For(language).CheckIn;
        var subject = Render(templates.Subject!, values, NullEncoder.Default);
        var text = Render(templates.Text!, values, NullEncoder.Default).Trim();
        var html = Render(templates.Html!, values, HtmlEncoder.Default).Trim();
        var clinic = HtmlEncoder.Default.Encode(model.ClinicName);
        // A header cannot hold a line break: a template that renders one must not break the message.
        subject = Regex.Replace(subject, @"\s+", " ").Trim();
        if (answerUrl is not null)
        {
            // For patients whose mail client mangles a reply: the same questions as a page of big buttons.
            var web = Wording.For(language).Web;
            text = $"{text}\n\n{web.EmailLine}\n{answerUrl}";
            html = $"{html}\n<p>{HtmlEncoder.Default.Encode(web.EmailLine)}<br><a href=\"{HtmlEncoder.Default.Encode(answerUrl)}\">{HtmlEncoder.Default.Encode(web.EmailLink)}</a></p>";
        }
        text = $"{text}\n\n{lines.Emergency}\n\n{lines.Stop}\n\n{model.ClinicName}\n";
        html = $"{html}\n<p>{HtmlEncoder.Default.Encode(lines.Emergency)}</p>\n<p>{HtmlEncoder.Default.Encode(lines.Stop)}</p>\n<p>{clinic}</p>\n";
        return (subject, text, html);
    }

    /// <summary>
    /// A sample check-in of the schedule for a patient of <paramref name="language"/>, and the language it came out in
    /// (the clinic's on a fallback): signed with <paramref name="clinicName"/> when given, and without the therapist's
    /// name under a minimal-PHI schedule, as its real emails are.
    /// </summary>
    public static (string Subject, string Text, string Html, string Language) RenderSample(Schedule schedule, string language, string clinicLanguage, string? clinicName = null)
    {
        var used = LanguageFor(schedule, language, clinicLanguage);
        var sample = TemplateModel.SampleIn(used);
        sample = sample with
        {
            ClinicName = string.IsNullOrWhiteSpace(clinicName) ? sample.ClinicName : clinicName,
            TherapistName = schedule.MinimalPhi ? "" : sample.TherapistName,
        };
        var (subject, text, html) = Render(schedule, sample, used, clinicLanguage);
        return (subject, text, html, used);
    }

    private static string Render(string source, Dictionary<string, object> values, TextEncoder encoder)
    {
        if (!Parsed.TryGetValue(source, out var template))
        {
            if (!Parser.TryParse(source, out template, out var error))
                throw new TemplateFailureException($"the template does not parse: {(error ?? "").Split('\n')[0]}");
            // A schedule stored before these checks (or edited in the database) is checked here as at saving.
            if (TemplateSafety.Problems(template) is [var unsafeConstruct, ..])
                throw new TemplateFailureException(unsafeConstruct);
            Parsed[source] = template;
        }
        var context = new TemplateContext(Options);
        foreach (var (name, value) in values) context.SetValue(name, value);
        using var output = new BoundedWriter(TemplateSafety.MaxOutputCharacters);
        try
        {
            // Rendering is synchronous in substance: every tag and filter TemplateSafety allows completes at once, and
            // Fluid 2.41's synchronous Render(context, encoder, writer) is marked obsolete and blocks the same way.
            template.RenderAsync(output, encoder, context).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException
                                  or NotSupportedException or FileNotFoundException or ParseException)
        {
            // Fluid says "The maximum number of statements has been reached" and the like as InvalidOperationException.
            throw new TemplateFailureException(
                e.Message.Contains("maximum number of statements", StringComparison.OrdinalIgnoreCase)
                    ? string.Create(CultureInfo.InvariantCulture, $"it takes more than {TemplateSafety.MaxSteps} steps to render (a loop too long, or loops inside loops)")
                    : e.Message.Contains("maximum level of recursion", StringComparison.OrdinalIgnoreCase)
                        ? string.Create(CultureInfo.InvariantCulture, $"it nests blocks more than {TemplateSafety.MaxNesting} deep")
                        : e.Message.Split('\n')[0].Trim());
        }
        return output.ToString();
    }

    private static void Check(string what, string? source, string? required, List<string> problems)
    {
        if (source is null) return;
        if (TemplateSafety.ControlCharacter(source) is { } control)
        {
            problems.Add($"{what}, {control}");
            return;
        }
        if (!Parser.TryParse(source, out var template, out var error))
        {
            // Fluid reports "… at (line:column)"; say it in words.
            var at = Regex.Match(error ?? "", @"\((\d+):(\d+)\)");
            var message = (error ?? "cannot parse").Split('\n')[0];
            problems.Add(at.Success
                ? $"{what}, line {at.Groups[1].Value}, column {at.Groups[2].Value}: {Regex.Replace(message, @"\s*at \(\d+:\d+\)", "")}"
                : $"{what}: {message}");
            return;
        }
        foreach (var problem in TemplateSafety.Problems(template)) problems.Add($"{what}: {problem}");
        var names = new NameCollector();
        names.VisitTemplate(template);
        foreach (var name in names.Used.Distinct(StringComparer.Ordinal))
        {
            if (TemplateModel.Fields.Contains(name) || names.Local.Contains(name)) continue;
            var (line, column) = Position(source, name);
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{what}, line {line}, column {column}: unknown field '{name}' (known: {string.Join(", ", TemplateModel.Fields.Order(StringComparer.Ordinal))})"));
        }
        if (required is not null && !names.Used.Contains(required))
            problems.Add($"{what}: must show the questions with {{{{ {required} }}}}");
        if (problems.Count > 0) return;
        // The bounds of a send, tried now with a sample check-in: a loop of a billion steps is refused at saving.
        try
        {
            Render(source, TemplateModel.Sample.ToValues(), HtmlEncoder.Default);
        }
        catch (TemplateFailureException e)
        {
            problems.Add($"{what}: {e.Message}");
        }
        // The sample takes one branch; loops on the others are counted on the text.
        foreach (var problem in TemplateSafety.LoopProblems(template)) problems.Add($"{what}: {problem}");
    }

    private static bool Mentions(string source, string name)
    {
        if (!Parser.TryParse(source, out var template, out _)) return true; // already reported as a parse error
        var names = new NameCollector();
        names.VisitTemplate(template);
        return names.Used.Contains(name);
    }

    // Fluid's syntax tree has no positions: the first mention of the name inside a tag or an output is where to look.
    private static (int Line, int Column) Position(string source, string name)
    {
        var match = Regex.Match(source, $@"(\{{\{{|\{{%)[^}}]*?\b(?<name>{Regex.Escape(name)})\b");
        var index = match.Success ? match.Groups["name"].Index : 0;
        var line = 1 + source.AsSpan(0, index).Count('\n');
        var column = index - (source.LastIndexOf('\n', Math.Max(index - 1, 0)) + 1) + 1;
        if (index > 0 && source[index - 1] == '\n') column = 1;
        return (line, column);
    }

    /// <summary>The root names a template reads, and those it defines itself (assign, capture, for).</summary>
    private sealed class NameCollector : AstVisitor
    {
        public List<string> Used { get; } = [];
        public HashSet<string> Local { get; } = new(StringComparer.Ordinal);

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            if (memberExpression.Segments.Count > 0 && memberExpression.Segments[0] is IdentifierSegment root) Used.Add(root.Identifier);
            return base.VisitMemberExpression(memberExpression);
        }

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            Local.Add(forStatement.Identifier);
            Local.Add("forloop");
            return base.VisitForStatement(forStatement);
        }

        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            Local.Add(assignStatement.Identifier);
            return base.VisitAssignStatement(assignStatement);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            Local.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }
    }
}

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
