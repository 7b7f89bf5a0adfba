using System.Globalization;
using System.Net;
using System.Text;

namespace FollowUp.Outcomes;

/// <summary>
/// Pain over time by group as an SVG (the figure of Hasson et al. 2004: each group's median from course start through
/// the course end to the last follow-up). Plain SVG 1.1, no script, no external fonts or images. Pure.
/// </summary>
public static class OutcomeChart
{
    private const int Width = 820, Height = 440, Left = 60, Right = 260, Top = 50, Bottom = 60;
    private static readonly string[] Colours = ["#2b7bb9", "#d7301f", "#7f7f7f"];

    public static string Svg(OutcomeSummary summary, string title)
    {
        var c = CultureInfo.InvariantCulture;
        var weeks = summary.Weeks.Select(w => w.Week).ToList();
        // x positions: course start, course end, then each follow-up week on a time scale after the end.
        var lastWeek = Math.Max(1, weeks.Count == 0 ? 1 : weeks[^1]);
        var plotWidth = Width - Left - Right;
        double X(double week) => Left + plotWidth * (week + 2) / (lastWeek + 2); // start sits 2 "weeks" before the end
        double Y(double pain) => Top + (Height - Top - Bottom) * (10 - pain) / 10;
        var svg = new StringBuilder();
        svg.Append(c, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="Arial, Helvetica, sans-serif" font-size="13">""");
        svg.Append(c, $"""<rect width="{Width}" height="{Height}" fill="#ffffff"/>""");
        svg.Append(c, $"""<text x="{Left}" y="28" font-size="16" font-weight="bold">{WebUtility.HtmlEncode(title)}</text>""");
        for (var p = 0; p <= 10; p += 2)
        {
            svg.Append(c, $"""<line x1="{Left}" y1="{Y(p):0.#}" x2="{Left + plotWidth}" y2="{Y(p):0.#}" stroke="#e0e0e0"/>""");
            svg.Append(c, $"""<text x="{Left - 8}" y="{Y(p) + 4:0.#}" text-anchor="end">{p}</text>""");
        }
        svg.Append(c, $"""<text x="16" y="{(Top + Height - Bottom) / 2}" transform="rotate(-90 16 {(Top + Height - Bottom) / 2})" text-anchor="middle">median pain (0-10)</text>""");
        var ticks = new List<(double X, string Label)> { (X(-2), "start"), (X(0), "end") };
        ticks.AddRange(weeks.Select(w => (X(w), $"wk {w}")));
        foreach (var (x, label) in ticks)
        {
            svg.Append(c, $"""<line x1="{x:0.#}" y1="{Height - Bottom}" x2="{x:0.#}" y2="{Height - Bottom + 5}" stroke="#555"/>""");
            svg.Append(c, $"""<text x="{x:0.#}" y="{Height - Bottom + 20}" text-anchor="middle">{label}</text>""");
        }
        svg.Append(c, $"""<line x1="{Left}" y1="{Height - Bottom}" x2="{Left + plotWidth}" y2="{Height - Bottom}" stroke="#555"/>""");
        svg.Append(c, $"""<text x="{Left + plotWidth / 2}" y="{Height - 14}" text-anchor="middle">course start, course end, weeks after the end</text>""");
        for (var g = 0; g < summary.Groups.Count; g++)
        {
            var group = summary.Groups[g];
            var colour = Colours[g % Colours.Length];
            var points = new List<(double X, double Y)>();
            if (group.Start is { } s) points.Add((X(-2), Y(s)));
            if (group.End is { } e) points.Add((X(0), Y(e)));
            points.AddRange(group.Weeks.Where(w => w.Median is not null).Select(w => (X(w.Week), Y(w.Median!.Value))));
            svg.Append(c, $"""<polyline fill="none" stroke="{colour}" stroke-width="3" points="{string.Join(' ', points.Select(p => string.Create(c, $"{p.X:0.#},{p.Y:0.#}")))}"/>""");
            foreach (var (x, y) in points) svg.Append(c, $"""<circle cx="{x:0.#}" cy="{y:0.#}" r="4" fill="{colour}"/>""");
            var legendY = Top + 20 + 24 * g;
            svg.Append(c, $"""<rect x="{Width - Right + 16}" y="{legendY - 10}" width="14" height="14" fill="{colour}"/>""");
            svg.Append(c, $"""<text x="{Width - Right + 36}" y="{legendY + 2}">{WebUtility.HtmlEncode(group.Name)} (n={group.Courses})</text>""");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }
}
