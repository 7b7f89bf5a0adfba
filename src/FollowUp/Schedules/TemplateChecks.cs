using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid.Ast;
using FollowUp.Languages;

namespace FollowUp.Schedules;

/// <summary>The templates checked when a schedule is saved or validated: parsed, their names known, their constructs safe, one sample render within the bounds.</summary>
public static partial class Templates
{
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
        if (set.Html is { } markup && ActiveContent().Match(markup) is { Success: true } active)
        {
            var line = markup.AsSpan(0, active.Index).Count('\n') + 1;
            var column = active.Index - markup.LastIndexOf('\n', Math.Max(active.Index - 1, 0));
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{prefix}HTML template, line {line}, column {column}: \"{active.Value.Trim()}\" is not allowed (an email to a patient carries no script, form, frame or embedded object, no event handler and no javascript: link)"));
        }
    }

    // What a mail client might run or submit, or a phishing page could hide behind: a patient's email needs none of it.
    [GeneratedRegex(@"<\s*/?\s*(?:script|iframe|frame|frameset|form|object|embed|applet|base)\b|<\s*meta\b[^>]*http-equiv|<[^>]*\son[a-z]+\s*=|(?:javascript|vbscript)\s*:|data\s*:\s*text/html",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ActiveContent();

    private static void Check(string what, string? source, string? required, List<string> problems)
    {
        if (source is null) return;
        if (TemplateSafety.ControlCharacter(source) is { } control)
        {
            problems.Add($"{what}, {control}");
            return;
        }
        if (!TryParse(source, out var template, out var error))
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
        if (!TryParse(source, out var template, out _)) return true; // already reported as a parse error
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
