using System.Globalization;
using Fluid.Ast;

namespace FollowUp.Schedules;

/// <summary>
/// What an admin's template may do: show the check-in's fields, choose between texts, loop over the questions or a
/// short literal range, and use the filters that cannot make a text grow more than their arguments. No file access
/// (include, render), no variables of its own (assign, capture: with them a loop doubles a text each step), no macros.
/// Every render is also bounded in steps and output (Templates), so what slips past this check still cannot hurt.
/// </summary>
internal static class TemplateSafety
{
    /// <summary>Statements one render may execute: the built-in templates take well under a hundred.</summary>
    public const int MaxSteps = 10_000;
    /// <summary>Characters one rendered template may have: an email is a few thousand.</summary>
    public const int MaxOutputCharacters = 100_000;
    /// <summary>Blocks (if, for, case) inside one another.</summary>
    public const int MaxNesting = 32;
    /// <summary>Numbers a literal range (1..n) may hold.</summary>
    public const int MaxRange = 100;
    /// <summary>
    /// Times the innermost body of loops inside loops may run, counted on the template's text, not on one sample render:
    /// a loop hidden on a branch the sample never takes (one patient's name, reminders only) is judged all the same.
    /// </summary>
    public const int MaxLoopRuns = 1_000;
    /// <summary>Items a loop over a list of the check-in's (question_lines) is counted as: more than any check-in asks.</summary>
    public const int ListLoopItems = 20;

    // Filters whose output is at most their input plus their literal arguments (or a number, or a list element).
    private static readonly IReadOnlySet<string> Filters = new HashSet<string>(StringComparer.Ordinal)
    {
        "upcase", "downcase", "capitalize", "strip", "lstrip", "rstrip", "strip_newlines", "escape", "escape_once",
        "default", "size", "first", "last", "truncate", "truncatewords", "append", "prepend", "join", "plus", "minus",
        "abs", "round", "ceil", "floor", "at_least", "at_most", "newline_to_br", "strip_html", "url_encode", "date",
    };

    /// <summary>
    /// The first control character of a template other than line breaks and tabs, as "line L, column C: …", or null.
    /// Terminal escapes and the like would reach the patient's mail client as they are.
    /// </summary>
    public static string? ControlCharacter(string source)
    {
        var at = -1;
        for (var i = 0; i < source.Length && at < 0; i++)
            if (char.IsControl(source[i]) && source[i] is not ('\n' or '\r' or '\t')) at = i;
        if (at < 0) return null;
        var line = source.AsSpan(0, at).Count('\n') + 1;
        var column = at - source.LastIndexOf('\n', Math.Max(at - 1, 0));
        return string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}: a control character (U+{(int)source[at]:X4}) is not allowed");
    }

    private static readonly System.Text.RegularExpressions.Regex Tag = new(@"\{\{.*?\}\}|\{%-?\s*(?<name>\w*).*?%\}",
        System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal)
        { "if", "unless", "for", "case", "capture", "comment", "raw", "tablerow", "block", "macro" };

    /// <summary>
    /// Where blocks, or brackets inside a tag, first nest deeper than <see cref="MaxNesting"/>, in Fluid's error shape
    /// ("… at (line:column)"), or null. Read on the text before the parser sees it: Fluid's parser recurses once per
    /// level, and a few thousand nested tags end the whole process with a stack overflow, which no catch can stop.
    /// </summary>
    public static string? TooDeep(string source)
    {
        var depth = 0;
        foreach (System.Text.RegularExpressions.Match tag in Tag.Matches(source))
        {
            var name = tag.Groups["name"].Value;
            if (tag.Groups["name"].Success && Blocks.Contains(name)) depth++;
            else if (name.StartsWith("end", StringComparison.Ordinal)) depth = Math.Max(0, depth - 1);
            var brackets = 0;
            var at = -1;
            for (var i = 0; i < tag.Length && at < 0; i++)
            {
                var c = source[tag.Index + i];
                if (c is '(' or '[') brackets++;
                else if (c is ')' or ']') brackets = Math.Max(0, brackets - 1);
                if (brackets > MaxNesting) at = tag.Index + i;
            }
            if (depth > MaxNesting) at = tag.Index;
            if (at < 0) continue;
            var line = source.AsSpan(0, at).Count('\n') + 1;
            var column = at - source.LastIndexOf('\n', Math.Max(at - 1, 0));
            return string.Create(CultureInfo.InvariantCulture, $"blocks or brackets nest more than {MaxNesting} deep at ({line}:{column})");
        }
        return null;
    }

    /// <summary>Each construct the template may not use, in words; empty when it is safe.</summary>
    public static IReadOnlyList<string> Problems(Fluid.IFluidTemplate template)
    {
        var check = new Check();
        check.VisitTemplate(template);
        return check.Problems.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Loops inside loops whose body could run more than <see cref="MaxLoopRuns"/> times, counted on the text (so also
    /// on a branch a sample render does not take); checked when a schedule is saved or validated.
    /// </summary>
    public static IReadOnlyList<string> LoopProblems(Fluid.IFluidTemplate template)
    {
        var count = new LoopCount();
        count.VisitTemplate(template);
        return count.Problems.Distinct(StringComparer.Ordinal).Take(1).ToList();
    }

    private sealed class LoopCount : AstVisitor
    {
        public List<string> Problems { get; } = [];
        private long _runs = 1;

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            var items = forStatement.Source is RangeExpression { From: var from, To: var to } && Check.Number(from) is { } f && Check.Number(to) is { } t
                ? (long)Math.Max(0, Math.Min(t - f + 1, MaxRange)) : ListLoopItems;
            var outer = _runs;
            _runs = Math.Min(outer * Math.Max(items, 1), long.MaxValue / MaxRange);
            if (_runs > MaxLoopRuns)
                Problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"loops inside loops could run their body {_runs} times (at most {MaxLoopRuns}), also on a branch a sample does not take"));
            var visited = base.VisitForStatement(forStatement);
            _runs = outer;
            return visited;
        }

    }

    private sealed class Check : AstVisitor
    {
        public List<string> Problems { get; } = [];
        private Statement Refuse(Statement statement, string tag, string why)
        {
            Problems.Add($"{{% {tag} %}} is not allowed ({why})");
            return statement;
        }

        protected override Statement VisitIncludeStatement(IncludeStatement includeStatement) =>
            Refuse(includeStatement, "include", "a template cannot read files");

        protected override Statement VisitRenderStatement(RenderStatement renderStatement) =>
            Refuse(renderStatement, "render", "a template cannot read files");

        protected override Statement VisitAssignStatement(AssignStatement assignStatement) =>
            Refuse(assignStatement, "assign", "use the check-in's fields directly");

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement) =>
            Refuse(captureStatement, "capture", "use the check-in's fields directly");

        protected override Statement VisitMacroStatement(MacroStatement macroStatement) =>
            Refuse(macroStatement, "macro", "templates have no functions");

        protected override Statement VisitFromStatement(FromStatement fromStatement) =>
            Refuse(fromStatement, "from", "a template cannot read files");

        protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement) =>
            Refuse(tableRowStatement, "tablerow", "use a for loop over question_lines");

        protected override Expression VisitFilterExpression(FilterExpression filterExpression)
        {
            if (!Filters.Contains(filterExpression.Name))
                Problems.Add($"the filter '{filterExpression.Name}' is not allowed (allowed: {string.Join(", ", Filters.Order(StringComparer.Ordinal))})");
            return base.VisitFilterExpression(filterExpression);
        }

        protected override Expression VisitRangeExpression(RangeExpression rangeExpression)
        {
            if (Number(rangeExpression.From) is not { } from || Number(rangeExpression.To) is not { } to)
                Problems.Add("a range must have literal numbers as its bounds, e.g. (1..5)");
            else if (to - from + 1 > MaxRange)
                Problems.Add(string.Create(CultureInfo.InvariantCulture, $"the range ({from}..{to}) is too long (at most {MaxRange} numbers)"));
            return base.VisitRangeExpression(rangeExpression);
        }

        internal static decimal? Number(Expression expression) =>
            expression is LiteralExpression { Value: var value } && value.Type == Fluid.Values.FluidValues.Number ? value.ToNumberValue() : null;
    }
}

/// <summary>Why a template could not be rendered: the one email it was for fails with this reason, nothing else does.</summary>
public sealed class TemplateFailureException(string reason) : Exception(reason);

/// <summary>A writer that refuses to grow past a bound, so a render cannot take the memory of the process.</summary>
internal sealed class BoundedWriter(int maxCharacters) : StringWriter(CultureInfo.InvariantCulture)
{
    private void Ensure(int more)
    {
        if (GetStringBuilder().Length + more > maxCharacters)
            throw new TemplateFailureException(string.Create(CultureInfo.InvariantCulture, $"the text grows past {maxCharacters} characters"));
    }

    public override void Write(char value) { Ensure(1); base.Write(value); }
    public override void Write(char[] buffer, int index, int count) { Ensure(count); base.Write(buffer, index, count); }
    public override void Write(string? value) { Ensure(value?.Length ?? 0); base.Write(value); }
    public override void Write(ReadOnlySpan<char> buffer) { Ensure(buffer.Length); base.Write(buffer); }
}
