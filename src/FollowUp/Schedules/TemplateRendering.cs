using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using FollowUp.Languages;

namespace FollowUp.Schedules;

/// <summary>An email rendered from its templates, each render bounded in steps, nesting and output (TemplateSafety).</summary>
public static partial class Templates
{
    private static readonly FluidParser Parser = new();

    /// <summary>Fluid's parse, after the nesting check that keeps a hostile template from overflowing the parser's stack.</summary>
    internal static bool TryParse(string source, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IFluidTemplate? template, out string? error)
    {
        if (TemplateSafety.TooDeep(source) is { } deep)
        {
            (template, error) = (null, deep);
            return false;
        }
        return Parser.TryParse(source, out template, out error);
    }
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
            if (!TryParse(source, out template, out var error))
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
            // Every tag and filter TemplateSafety allows completes at once, so the render is over when RenderAsync
            // returns and no thread waits on it. Fluid 2.41's synchronous Render(context, encoder) renders into a writer
            // of its own, which would lose the output bound, and the one taking a writer is obsolete; neither takes a
            // cancellation token. Whatever did not finish at once came from outside that list: that email fails.
            var rendering = template.RenderAsync(output, encoder, context);
            if (!rendering.IsCompleted) throw new TemplateFailureException("it does not render at once (a tag or filter that waits)");
            rendering.GetAwaiter().GetResult(); // completed: this only rethrows what the render threw
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
}
