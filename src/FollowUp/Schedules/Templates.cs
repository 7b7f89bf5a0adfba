using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Ast;

namespace FollowUp.Schedules;

/// <summary>What a check-in email's templates may use: the only names they may mention.</summary>
public sealed record TemplateModel
{
    public required string PatientName { get; init; }
    /// <summary>Empty under a minimal-PHI schedule.</summary>
    public required string TherapistName { get; init; }
    public required string ClinicName { get; init; }
    /// <summary>"one week", "2 weeks", "10 days": how long since the course ended.</summary>
    public required string Since { get; init; }
    public required int OffsetDays { get; init; }
    public required bool AsksPhq2 { get; init; }
    public required bool AsksMood { get; init; }
    public required bool IsReminder { get; init; }
    public required int ReminderNumber { get; init; }
    /// <summary>The questions as plain lines, composed by FollowUp from the check-in's items (not editable: they are the instrument).</summary>
    public required IReadOnlyList<string> QuestionLines { get; init; }

    internal static TemplateModel Sample => new()
    {
        PatientName = "Dana Example",
        TherapistName = "Sam Taylor",
        ClinicName = "Example Clinic",
        Since = "2 weeks",
        OffsetDays = 14,
        AsksPhq2 = true,
        AsksMood = true,
        IsReminder = false,
        ReminderNumber = 0,
        QuestionLines = Questions.Lines(asksPhq2: true, asksMood: true),
    };

    internal Dictionary<string, object> ToValues() => new()
    {
        ["patient_name"] = PatientName,
        ["therapist_name"] = TherapistName,
        ["clinic_name"] = ClinicName,
        ["since"] = Since,
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
    public const string DefaultSubject = "{% if is_reminder %}Reminder: {% endif %}{{ clinic_name }}: how is your back, {{ since }} after your massage course?";

    // Short lines and plain words: many patients read this on a phone, some of them tired or low.
    public const string DefaultText = """
        Hello {{ patient_name }},
        {% if is_reminder %}
        A short reminder: we have not had your answer yet. It only takes a minute.
        {% endif %}
        It is {{ since }} since your massage course ended. How is your back?
        Please reply to this email with short answers:

        {{ questions }}

        {% if therapist_name != blank %}Your answer goes to your therapist, {{ therapist_name }}, who reads it during working hours.{% else %}Your answer goes to your therapist, who reads it during working hours.{% endif %}
        """;

    public const string DefaultHtml = """
        <p>Hello {{ patient_name }},</p>
        {% if is_reminder %}<p>A short reminder: we have not had your answer yet. It only takes a minute.</p>{% endif %}
        <p>It is {{ since }} since your massage course ended. How is your back?<br>Please reply to this email with short answers:</p>
        <ul>{% for line in question_lines %}<li>{{ line }}</li>{% endfor %}</ul>
        <p>{% if therapist_name != blank %}Your answer goes to your therapist, {{ therapist_name }}, who reads it during working hours.{% else %}Your answer goes to your therapist, who reads it during working hours.{% endif %}</p>
        """;

    internal const string EmergencyLine = "This mailbox is not watched for emergencies. If you need urgent help, call your doctor or the emergency services.";
    internal const string StopLine = "Reply STOP to stop these emails.";

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
        Check("subject template", schedule.SubjectTemplate, null, problems);
        Check("text template", schedule.TextTemplate, "questions", problems);
        Check("HTML template", schedule.HtmlTemplate, null, problems);
        if (schedule.HtmlTemplate is { } html && !Mentions(html, "questions") && !Mentions(html, "question_lines"))
            problems.Add("HTML template: must show the questions ({{ questions }} or a loop over question_lines)");
        return problems;
    }

    /// <summary>
    /// Subject, plain text and HTML of one email, from the schedule's templates (or the built-in ones) and the model.
    /// Throws <see cref="TemplateFailureException"/> when a template cannot be rendered within its bounds: that email fails, no other.
    /// </summary>
    public static (string Subject, string Text, string Html) Render(Schedule schedule, TemplateModel model)
    {
        var values = model.ToValues();
        var subject = Render(schedule.SubjectTemplate ?? DefaultSubject, values, NullEncoder.Default);
        var text = Render(schedule.TextTemplate ?? DefaultText, values, NullEncoder.Default).Trim();
        var html = Render(schedule.HtmlTemplate ?? DefaultHtml, values, HtmlEncoder.Default).Trim();
        var clinic = HtmlEncoder.Default.Encode(model.ClinicName);
        // A header cannot hold a line break: a template that renders one must not break the message.
        subject = Regex.Replace(subject, @"\s+", " ").Trim();
        text = $"{text}\n\n{EmergencyLine}\n\n{StopLine}\n\n{model.ClinicName}\n";
        html = $"{html}\n<p>{EmergencyLine}</p>\n<p>{StopLine}</p>\n<p>{clinic}</p>\n";
        return (subject, text, html);
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

/// <summary>The questions of a check-in, worded as the instruments word them. Fixed in code: they are not copy.</summary>
internal static class Questions
{
    public static IReadOnlyList<string> Lines(bool asksPhq2, bool asksMood) => Compose(asksPain: true, asksMood, asksPhq2);

    /// <summary>
    /// What a clarification asks again: the questions named by <paramref name="awaiting"/> (check_ins.awaiting: pain,
    /// phq2_a, phq2_b), or all of them when nothing says what is missing. Mood goes with pain, as the check-in asks them.
    /// </summary>
    public static IReadOnlyList<string> Again(IReadOnlyCollection<string>? awaiting)
    {
        if (awaiting is not { Count: > 0 }) return Compose(asksPain: true, asksMood: true, asksPhq2: false);
        var pain = awaiting.Contains("pain");
        return Compose(pain, asksMood: pain, asksPhq2: awaiting.Contains("phq2_a") || awaiting.Contains("phq2_b"));
    }

    private static List<string> Compose(bool asksPain, bool asksMood, bool asksPhq2)
    {
        var lines = new List<string>();
        if (asksPain)
        {
            lines.Add("Pain: a number from 0 to 10 for your back pain over the past week");
            lines.Add("      (0 = no pain, 10 = worst pain imaginable)");
        }
        if (asksMood) lines.Add("Mood: how your mood has been (for example good, okay or low, or a number from 0 = very low to 10 = very good)");
        if (asksPhq2)
        {
            // PHQ-2 (Kroenke, Spitzer & Williams 2003): two items, two-week recall, each 0-3.
            lines.Add("Over the last 2 weeks, how often have you been bothered by:");
            lines.Add("Interest: little interest or pleasure in doing things?");
            lines.Add("Down: feeling down, depressed, or hopeless?");
            lines.Add("      (0 = not at all, 1 = several days, 2 = more than half the days, 3 = nearly every day)");
        }
        lines.Add("");
        // The example always shows pain with a mood, as the reader takes both in one line.
        var example = (asksPain, asksPhq2) switch
        {
            (true, true) => "Pain 3, mood good, interest 0, down 1",
            (true, false) => "Pain 3, mood good",
            _ => "Interest 0, down 1",
        };
        lines.Add($"For example:  {example}");
        return lines;
    }
}
