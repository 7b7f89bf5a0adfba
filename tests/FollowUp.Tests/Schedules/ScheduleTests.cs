using FollowUp.Schedules;

namespace FollowUp.Tests.Schedules;

public class ScheduleTests
{
    [Fact]
    public void The_default_schedule_is_valid_and_its_templates_render_every_required_line()
    {
        Assert.Empty(Schedule.Default.Problems());
        Assert.Empty(Templates.Problems(Schedule.Default with { SubjectTemplate = Templates.DefaultSubject, TextTemplate = Templates.DefaultText, HtmlTemplate = Templates.DefaultHtml }));

        var (subject, text, html) = Templates.Render(Schedule.Default, TemplateModel.Sample);

        Assert.Equal("Example Clinic: how is your back, 2 weeks after your massage course?", subject);
        Assert.Contains("0 = no pain, 10 = worst pain imaginable", text, StringComparison.Ordinal);
        Assert.Contains("Over the last 2 weeks", text, StringComparison.Ordinal);
        Assert.Contains("your therapist, Sam Taylor,", text, StringComparison.Ordinal);
        foreach (var body in new[] { text, html })
        {
            Assert.Contains("not watched for emergencies", body, StringComparison.Ordinal);
            Assert.Contains("Reply STOP to stop these emails.", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_check_in_more_than_about_three_months_after_the_course_is_refused_with_the_reason()
    {
        var schedule = Schedule.Default with { Items = [new(7, false, true), new(93, false, true)] };

        var problem = Assert.Single(schedule.Problems());

        Assert.Contains("check-in 2: offset 93 days is longer than 92 days (about three months)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_rule_of_a_schedule_is_checked_and_named()
    {
        var schedule = Schedule.Default with
        {
            WindowStart = new TimeOnly(19, 0),
            WindowEnd = new TimeOnly(9, 0),
            ReminderCount = 4,
            ReminderSpacingDays = 0,
            Items = [new(14, false, true), new(14, true, true)],
            QuietDays = Enum.GetValues<DayOfWeek>(),
        };

        var problems = schedule.Problems();

        Assert.Contains(problems, p => p.StartsWith("send window start 19:00 must be before its end 09:00", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("reminder count must be 0-3", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("reminder spacing must be 1-14 days", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("check-in 2: offset 14 days must be later", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("quiet days cover the whole week", StringComparison.Ordinal));
    }

    [Fact]
    public void A_template_that_does_not_parse_is_refused_with_line_and_column()
    {
        var schedule = Schedule.Default with { TextTemplate = "Hello {{ patient_name }},\n\n{{ questions }\n" };

        var problem = Assert.Single(Templates.Problems(schedule));

        Assert.StartsWith("text template, line 3, column", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_naming_an_unknown_field_is_refused_with_line_and_column()
    {
        var schedule = Schedule.Default with { TextTemplate = "Hello {{ patient_name }},\n{{ questions }}\nYour diagnosis: {{ diagnosis }}" };

        var problem = Assert.Single(Templates.Problems(schedule));

        Assert.StartsWith("text template, line 3, column 20: unknown field 'diagnosis'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_template_that_leaves_out_the_questions_is_refused()
    {
        var problem = Assert.Single(Templates.Problems(Schedule.Default with { TextTemplate = "Hello {{ patient_name }}" }));

        Assert.Contains("must show the questions", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_minimal_phi_email_does_not_name_the_therapist_and_html_is_escaped()
    {
        var model = TemplateModel.Sample with { TherapistName = "", PatientName = "Dana <b>Example</b>" };

        var (_, text, html) = Templates.Render(Schedule.Default with { MinimalPhi = true }, model);

        Assert.DoesNotContain("Sam Taylor", text, StringComparison.Ordinal);
        Assert.Contains("Your answer goes to your therapist, who reads it", text, StringComparison.Ordinal);
        Assert.Contains("Dana &lt;b&gt;Example&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reminder_says_so_in_its_subject_and_text()
    {
        var (subject, text, _) = Templates.Render(Schedule.Default, TemplateModel.Sample with { IsReminder = true, ReminderNumber = 1 });

        Assert.StartsWith("Reminder: ", subject, StringComparison.Ordinal);
        Assert.Contains("we have not had your answer yet", text, StringComparison.Ordinal);
    }
}
