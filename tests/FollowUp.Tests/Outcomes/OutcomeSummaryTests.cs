using FollowUp.Alerts;
using FollowUp.Outcomes;

namespace FollowUp.Tests.Outcomes;

/// <summary>The outcomes arithmetic and its chart, without servers.</summary>
public class OutcomeSummaryTests
{
    private static OutcomeFollowUp Answer(int week, int pain, int? phq2 = null) => new(7 * week, true, true, pain, phq2, null);
    private static OutcomeFollowUp Silent(int week) => new(7 * week, true, false, null, null, null);

    private static readonly OutcomeCourse[] Clinic =
    [
        new(1, 8, 3, [Answer(1, 3), Answer(4, 3), Answer(12, 4)]),    // improved, kept it
        new(2, 8, 3, [Answer(1, 3), Answer(4, 6, 3), Answer(12, 8)]), // improved, worsened late (Hasson's pattern)
        new(3, 6, 6, [Answer(1, 6), Answer(4, 7), Silent(12)]),       // not improved, lost at the end
        new(4, 7, 2, [Answer(1, 2), Silent(4), Answer(12, 2)]),       // improved, kept it
    ];

    [Fact]
    public void Shares_count_improved_kept_worsened_late_and_lost_by_the_alert_rules_own_definitions()
    {
        var summary = OutcomeSummaries.Summarise(Clinic, new AlertOptions());
        Assert.Equal((4, 3, 2, 1, 1), (summary.Courses, summary.ImprovedAtEnd, summary.KeptImprovement, summary.WorsenedLate, summary.LostToFollowUp));
    }

    [Fact]
    public void An_improved_course_with_no_answer_since_its_end_is_not_counted_as_keeping_the_improvement()
    {
        OutcomeCourse[] clinic = [new(1, 8, 3, [Silent(1)]), new(2, 8, 3, []), new(3, 8, 3, [Answer(1, 3)])];

        var summary = OutcomeSummaries.Summarise(clinic, new AlertOptions());

        Assert.Equal((3, 3, 1), (summary.Courses, summary.ImprovedAtEnd, summary.KeptImprovement));
        Assert.Equal(2, summary.Groups.Single(g => g.Name == OutcomeSummaries.NotHeardSince).Courses);
    }

    [Fact]
    public void Each_follow_up_week_has_the_median_and_quartiles_of_pain_and_of_its_change_against_baseline_and_end()
    {
        var week12 = OutcomeSummaries.Summarise(Clinic, new AlertOptions()).Weeks.Single(w => w.Week == 12);
        Assert.Equal(3, week12.Answered);
        Assert.Equal(new Quartiles(3, 4, 6), week12.Pain);
        Assert.Equal(new Quartiles(-4.5, -4, -2), week12.VersusBaseline);
        Assert.Equal(new Quartiles(0.5, 1, 3), week12.VersusEnd);
        Assert.Null(week12.Phq2);
    }

    [Fact]
    public void The_chart_draws_one_line_per_group_with_its_size_in_the_legend()
    {
        var svg = OutcomeChart.Svg(OutcomeSummaries.Summarise(Clinic, new AlertOptions()), "Pain <after> the course");
        var document = System.Xml.Linq.XDocument.Parse(svg);
        Assert.Equal(3, document.Descendants().Count(e => e.Name.LocalName == "polyline"));
        Assert.Contains("improved, worsened late (n=1)", svg, StringComparison.Ordinal);
        Assert.Contains("Pain &lt;after&gt; the course", svg, StringComparison.Ordinal);
    }
}
