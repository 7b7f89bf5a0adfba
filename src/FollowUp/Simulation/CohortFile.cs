using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;

namespace FollowUp.Simulation;

/// <summary>A cohort file that cannot be simulated, with every problem (line and column named).</summary>
public sealed class CohortFileException(IReadOnlyList<string> problems) : Exception("Cannot simulate: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// A cohort as a clinic lead writes it, one row per kind of course (or per course), CSV with a header:
/// <c>baseline</c>, <c>end</c> (0-10, required); <c>pain_wN</c> (underlying pain at follow-up week N, any number of
/// such columns, linear in between, flat at <c>end</c> before the first); <c>noise_sd</c> (answer noise, default 0.8);
/// <c>answer_chance</c> (0-1, default 0.92); <c>stops_after_week</c> (no answers after it); <c>phq2_wN</c> (underlying
/// PHQ-2 total 0-6 at week N); <c>kind</c> (figures per kind); <c>late_worsener</c> (true/false: the truth; without
/// it, a course is a late worsener when it improved by 2 points and 30% and its underlying pain later reaches end + 2);
/// <c>courses</c> (how many courses the row stands for, default 1).
/// </summary>
public static partial class CohortFile
{
    public const int MaxCourses = 100_000;

    public static IReadOnlyList<SimulatedCourse> Read(string text)
    {
        using var csv = CsvReader.FromText(text, CsvReaderOptions.Default with { TrackLineNumbers = true, TrimWhitespace = true, SkipEmptyLines = true });
        csv.ReadHeader();
        var headers = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var problems = new List<string>();
        foreach (var twice in headers.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"the column '{twice.Key}' is given {twice.Count()} times");
        foreach (var required in new[] { "baseline", "end" })
            if (!headers.Contains(required)) problems.Add($"no '{required}' column (headers: {string.Join(", ", headers)})");
        var known = new HashSet<string> { "baseline", "end", "noise_sd", "answer_chance", "stops_after_week", "kind", "late_worsener", "courses" };
        foreach (var h in headers.Where(h => !known.Contains(h) && !WeekColumn().IsMatch(h)))
            problems.Add($"unknown column '{h}' (see 'followup-admin simulate cohort --help')");
        if (problems.Count > 0) throw new CohortFileException(problems);

        var courses = new List<SimulatedCourse>();
        while (csv.Read())
        {
            var line = checked((int)csv.LineNumber);
            var row = headers.Select((h, i) => (h, v: i < csv.FieldCount ? csv.GetString(i)?.Trim() ?? "" : "")).ToDictionary(x => x.h, x => x.v);
            var before = problems.Count;
            double Number(string column, double min, double max, double? fallback)
            {
                var value = row.GetValueOrDefault(column, "");
                if (value.Length == 0 && fallback is { } f) return f;
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
                problems.Add($"line {line}, column {column}: '{Clip(value)}' is not a number {min}-{max}");
                return min;
            }
            List<TrajectoryPoint> Points(string prefix, double max) => headers
                .Select(h => (h, m: WeekColumn().Match(h))).Where(x => x.m.Success && x.m.Groups["what"].Value == prefix && row[x.h].Length > 0)
                .Select(x => new TrajectoryPoint(7 * int.Parse(x.m.Groups["week"].Value, CultureInfo.InvariantCulture), Number(x.h, 0, max, null)))
                .OrderBy(p => p.Day).ToList();
            var baseline = (int)Math.Round(Number("baseline", 0, 10, null));
            var end = (int)Math.Round(Number("end", 0, 10, null));
            var pain = Points("pain", 10);
            pain.Insert(0, new TrajectoryPoint(0, end));
            var phq2 = Points("phq2", 6);
            var count = (int)Number("courses", 1, MaxCourses, 1);
            var stops = row.GetValueOrDefault("stops_after_week", "") is { Length: > 0 } ? 7 * Number("stops_after_week", 0, 52, null) : (double?)null;
            bool? truth = row.GetValueOrDefault("late_worsener", "").ToLowerInvariant() switch
            {
                "" => null,
                "true" or "yes" or "1" => true,
                "false" or "no" or "0" => false,
                var other => Problem($"line {line}, column late_worsener: '{Clip(other)}' is not true or false"),
            };
            if (problems.Count > before) continue;
            var improved = baseline - end >= 2 && (baseline - end) / (double)Math.Max(1, baseline) >= 0.3;
            var worsener = truth ?? (improved && pain.Any(p => p.Value >= end + 2));
            var kind = row.GetValueOrDefault("kind", "") is { Length: > 0 } k ? k : worsener ? "late_worsener" : "other";
            for (var i = 0; i < count; i++)
                courses.Add(new SimulatedCourse(kind, worsener, baseline, end, pain, Number("noise_sd", 0, 5, 0.8), Number("answer_chance", 0, 1, 0.92), stops,
                    phq2.Count == 0 ? null : phq2));
            if (courses.Count > MaxCourses) throw new CohortFileException([$"more than {MaxCourses} courses"]);
        }
        if (problems.Count > 0) throw new CohortFileException(problems);
        if (courses.Count == 0) throw new CohortFileException(["the file has no course rows"]);
        return courses;

        bool? Problem(string text)
        {
            problems.Add(text);
            return null;
        }
    }

    private static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;

    [GeneratedRegex(@"^(?<what>pain|phq2)_w(?<week>[0-9]{1,2})$")]
    private static partial Regex WeekColumn();
}
