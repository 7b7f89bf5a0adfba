using System.Globalization;
using System.Net;
using System.Text;

namespace FollowUp.Alerts;

/// <summary>
/// A course's trajectory as an SVG: the alert zone shaded, the baseline as a dashed line, the course end and each
/// follow-up on a time scale (weeks after the end). Small for a row of a list, large for the course's page. Plain SVG,
/// no script, no style attribute (a Content Security Policy without inline styles shows it). Pure.
/// </summary>
public static class TrajectoryChart
{
    public static string Small(CourseTrajectory trajectory) => Svg(trajectory, 168, 44, large: false);

    public static string Large(CourseTrajectory trajectory) => Svg(trajectory, 760, 320, large: true);

    /// <summary>The chart's content in words, for screen readers and as the SVG's title.</summary>
    public static string Describe(CourseTrajectory trajectory)
    {
        var c = CultureInfo.InvariantCulture;
        var points = string.Join("; ", trajectory.Points.Select(p => p.Pain is { } pain
            ? string.Create(c, $"{p.Label} {pain}") : $"{p.Label} {(trajectory.ScoresRemoved ? "removed by retention" : "no answer")}"));
        var zone = trajectory.AlertZoneFrom <= 10 ? string.Create(c, $"; alert zone from {trajectory.AlertZoneFrom}") : "";
        return $"Pain 0 to 10: {points}{zone}";
    }

    private static string Svg(CourseTrajectory trajectory, int width, int height, bool large)
    {
        var c = CultureInfo.InvariantCulture;
        int left = large ? 44 : 4, right = large ? 16 : 4, top = large ? 16 : 4, bottom = large ? 46 : 4;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var weeks = trajectory.FollowUps.Select(p => (p.OffsetDays ?? 0) / 7.0).ToList();
        var lastWeek = Math.Max(12, weeks.Count == 0 ? 12 : weeks.Max());
        double X(double week) => left + plotWidth * (week + 2) / (lastWeek + 2); // the start sits 2 "weeks" before the end
        double Y(double pain) => top + plotHeight * (10 - pain) / 10;
        var svg = new StringBuilder();
        var description = WebUtility.HtmlEncode(Describe(trajectory));
        svg.Append(c, $"""<svg xmlns="http://www.w3.org/2000/svg" class="trajectory" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{description}" font-family="Arial, Helvetica, sans-serif" font-size="12">""");
        svg.Append(c, $"""<title>{description}</title>""");
        svg.Append(c, $"""<rect x="{left}" y="{top}" width="{plotWidth}" height="{plotHeight}" fill="#ffffff" stroke="#c8c8c8"/>""");
        if (trajectory.AlertZoneFrom <= 10)
        {
            svg.Append(c, $"""<rect x="{left}" y="{top}" width="{plotWidth}" height="{Y(trajectory.AlertZoneFrom) - top:0.#}" fill="#fbe3e0"/>""");
            if (large) svg.Append(c, $"""<text x="{left + plotWidth - 6}" y="{top + 14}" text-anchor="end" fill="#9e2a1c">alert zone (pain {trajectory.AlertZoneFrom} or more)</text>""");
        }
        if (large)
        {
            for (var p = 0; p <= 10; p += 2)
            {
                svg.Append(c, $"""<line x1="{left}" y1="{Y(p):0.#}" x2="{left + plotWidth}" y2="{Y(p):0.#}" stroke="#ececec"/>""");
                svg.Append(c, $"""<text x="{left - 8}" y="{Y(p) + 4:0.#}" text-anchor="end">{p}</text>""");
            }
            var ticks = new List<(double X, string Label)> { (X(-2), "start"), (X(0), "end") };
            ticks.AddRange(trajectory.FollowUps.Select(p => (X((p.OffsetDays ?? 0) / 7.0), string.Create(c, $"wk {(p.OffsetDays ?? 0) / 7.0:0.#}"))));
            // The weeks still to come, so that a young course reads as "so far", not as squeezed to the left.
            for (var week = 4; week <= lastWeek; week += 4)
                if (ticks.All(t => Math.Abs(t.X - X(week)) > 24)) ticks.Add((X(week), string.Create(c, $"wk {week}")));
            foreach (var (x, label) in ticks)
                svg.Append(c, $"""<text x="{x:0.#}" y="{height - bottom + 18}" text-anchor="middle">{label}</text>""");
            svg.Append(c, $"""<text x="{left + plotWidth / 2}" y="{height - 8}" text-anchor="middle" fill="#555555">course start, course end, weeks after the end</text>""");
        }
        if (trajectory.Start.Pain is { } baseline)
            svg.Append(c, $"""<line x1="{left}" y1="{Y(baseline):0.#}" x2="{left + plotWidth}" y2="{Y(baseline):0.#}" stroke="#777777" stroke-dasharray="4 3"/>""");
        var points = new List<(double X, double Y, bool FollowUp)>();
        if (trajectory.Start.Pain is { } s) points.Add((X(-2), Y(s), false));
        if (trajectory.EndPain is { } e) points.Add((X(0), Y(e), false));
        points.AddRange(trajectory.FollowUps.Where(p => p.Pain is not null).Select(p => (X((p.OffsetDays ?? 0) / 7.0), Y(p.Pain!.Value), true)));
        if (points.Count > 1)
            svg.Append(c, $"""<polyline fill="none" stroke="#1f5f99" stroke-width="{(large ? 3 : 2)}" points="{string.Join(' ', points.Select(p => string.Create(c, $"{p.X:0.#},{p.Y:0.#}")))}"/>""");
        foreach (var (x, y, followUp) in points)
        {
            var inZone = trajectory.AlertZoneFrom <= 10 && y <= Y(trajectory.AlertZoneFrom) + 0.01 && followUp;
            svg.Append(c, $"""<circle cx="{x:0.#}" cy="{y:0.#}" r="{(large ? 5 : 2.5)}" fill="{(inZone ? "#c0392b" : "#1f5f99")}"/>""");
        }
        // An unanswered follow-up is a hollow mark on the axis, so a gap reads as "asked, no answer", not as pain 0.
        foreach (var p in trajectory.FollowUps.Where(p => p.Pain is null))
            svg.Append(c, $"""<circle cx="{X((p.OffsetDays ?? 0) / 7.0):0.#}" cy="{top + plotHeight - (large ? 6 : 3)}" r="{(large ? 4 : 2)}" fill="none" stroke="#888888"/>""");
        svg.Append("</svg>");
        return svg.ToString();
    }
}
