using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.Outcomes;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>report outcomes</c>: the clinic's outcomes per follow-up week, as a table and an SVG chart.</summary>
internal static class ReportCommands
{
    public static Command Build() => new("report", "What the follow-up shows over many courses.") { Outcomes() };

    private static Command Outcomes()
    {
        var therapist = new Option<string?>("--therapist") { Description = "Only this therapist's courses (email address)" };
        var from = new Option<DateOnly?>("--from") { Description = "Only courses that ended on or after this date (yyyy-MM-dd)" };
        var to = new Option<DateOnly?>("--to") { Description = "Only courses that ended on or before this date (yyyy-MM-dd)" };
        var schedule = new Option<string?>("--schedule") { Description = "Only courses on this schedule" };
        var svg = new Option<FileInfo>("--svg") { Description = "Where to save the chart (pain over time by group)", DefaultValueFactory = _ => new FileInfo("outcomes.svg") };
        var json = new Option<bool>("--json") { Description = "The figures as JSON instead of the table" };
        var command = new Command("outcomes", """
            Per follow-up week: how many answered, median [lower, upper quartile] of pain, of pain minus baseline and of pain minus
            course end, PHQ-2 and mood; the share of courses improved at course end (2 points and 30%), that kept the
            improvement, that worsened late (a follow-up at the alert rule's rise above the end), lost to follow-up (no
            answer to the last check-in sent). Saves the chart of median pain by group (start, end, each week) as SVG.
            Example: followup-admin report outcomes --from 2026-01-01 --to 2026-06-30 --svg outcomes.svg
            """) { therapist, from, to, schedule, svg, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (parsed.GetValue(from) is { } f && parsed.GetValue(to) is { } t && f > t) throw new UserError($"--from {f:yyyy-MM-dd} is after --to {t:yyyy-MM-dd}");
            await using var services = CliContext.Services(parsed);
            var filter = new OutcomeFilter(parsed.GetValue(therapist), parsed.GetValue(from), parsed.GetValue(to), parsed.GetValue(schedule));
            var summary = await services.GetRequiredService<OutcomeQuery>().SummariseAsync(filter, cancellationToken);
            var file = parsed.GetValue(svg)!;
            await File.WriteAllTextAsync(file.FullName, OutcomeChart.Svg(summary, $"Pain after the course by group ({summary.Courses} courses)"), cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(summary, JsonOptions));
                return 0;
            }
            Print(summary);
            Console.WriteLine($"Chart saved to {file.FullName}");
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static void Print(OutcomeSummary s)
    {
        var c = CultureInfo.InvariantCulture;
        string Q(Quartiles? q) => q is null ? "-" : string.Create(c, $"{q.Median:0.#} [{q.Q1:0.#}, {q.Q3:0.#}]");
        string Share(int n) => s.Courses == 0 ? "-" : string.Create(c, $"{n}/{s.Courses} ({100.0 * n / s.Courses:0}%)");
        Console.WriteLine(string.Create(c, $"{s.Courses} courses"));
        Console.WriteLine($"{"WEEK",4}  {"N",5}  {"PAIN",-16} {"VS BASELINE",-16} {"VS END",-16} {"PHQ-2",-14} MOOD");
        foreach (var w in s.Weeks)
            Console.WriteLine(string.Create(c, $"{w.Week,4}  {w.Answered,5}  {Q(w.Pain),-16} {Q(w.VersusBaseline),-16} {Q(w.VersusEnd),-16} {Q(w.Phq2),-14} {Q(w.Mood)}"));
        Console.WriteLine($"Improved at course end: {Share(s.ImprovedAtEnd)}");
        Console.WriteLine($"Kept the improvement:   {Share(s.KeptImprovement)}");
        Console.WriteLine($"Worsened late:          {Share(s.WorsenedLate)}");
        Console.WriteLine($"Lost to follow-up:      {Share(s.LostToFollowUp)}");
    }
}
