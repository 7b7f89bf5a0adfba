using Dapper;
using FollowUp.Schedules;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Schedules;

/// <summary>An admin's template is input like any other: it can neither read files nor take the sender's time or memory.</summary>
public class SafeTemplateTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    private static List<string> ProblemsOf(string text) => [.. Templates.Problems(Schedule.Default with { TextTemplate = text })];

    [Fact]
    public void An_include_is_refused_when_the_schedule_is_checked()
    {
        var problems = ProblemsOf("{% include 'appsettings.json' %}\n{{ questions }}");

        Assert.Contains("text template: {% include %} is not allowed (a template cannot read files)", problems);
    }

    [Fact]
    public void Nested_loops_of_a_billion_steps_are_refused_when_the_schedule_is_checked()
    {
        var literalRanges = ProblemsOf("{% for i in (1..1000000000) %}x{% endfor %}{{ questions }}");
        var nested = ProblemsOf("{% for i in (1..100) %}{% for j in (1..100) %}{% for k in (1..100) %}x{% endfor %}{% endfor %}{% endfor %}{{ questions }}");

        Assert.Contains("text template: the range (1..1000000000) is too long (at most 100 numbers)", literalRanges);
        // Fluid stops it at whichever bound it meets first: the steps, or its count of nested scopes.
        Assert.Contains(nested, p => p is "text template: it takes more than 10000 steps to render (a loop too long, or loops inside loops)"
                                       or "text template: it nests blocks more than 32 deep");
    }

    [Fact]
    public void Loops_inside_loops_hidden_on_a_branch_the_sample_never_takes_are_refused_when_the_schedule_is_checked()
    {
        // One patient's name, or reminders only: the sample render never enters these branches.
        var byName = ProblemsOf("{% case patient_name %}{% when 'Mallory' %}{% for a in (1..100) %}{% for b in (1..100) %}{{ questions }}{% endfor %}{% endfor %}{% endcase %}{{ questions }}");
        var onReminders = ProblemsOf("{% if is_reminder %}{% for a in question_lines %}{% for b in question_lines %}{% for c in question_lines %}{{ a }}{% endfor %}{% endfor %}{% endfor %}{% endif %}{{ questions }}");
        var oneLoop = ProblemsOf("{% for line in question_lines %}{{ line }}\n{% endfor %}{% for i in (1..5) %}-{% endfor %}{{ questions }}");

        Assert.Contains("text template: loops inside loops could run their body 10000 times (at most 1000), also on a branch a sample does not take", byName);
        Assert.Contains("text template: loops inside loops could run their body 8000 times (at most 1000), also on a branch a sample does not take", onReminders);
        Assert.DoesNotContain(oneLoop, p => p.Contains("loops inside loops", StringComparison.Ordinal));
    }

    [Fact]
    public void Thousands_of_nested_blocks_or_brackets_are_refused_naming_where_without_overflowing_the_parser()
    {
        // Fluid's parser recurses once per level: 5 000 levels ended the process with a stack overflow.
        var blocks = ProblemsOf("{{ questions }}\n" + string.Concat(Enumerable.Repeat("{% if true %}", 5000)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 5000)));
        var forty = ProblemsOf("{{ questions }}\n" + string.Concat(Enumerable.Repeat("{% if true %}", 40)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 40)));
        var brackets = ProblemsOf("{{ questions }}{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}");
        var deepEnough = ProblemsOf("{{ questions }}" + string.Concat(Enumerable.Repeat("{% if true %}", 32)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 32)));

        Assert.Contains("text template, line 2, column 417: blocks or brackets nest more than 32 deep", blocks);
        Assert.Contains("text template, line 2, column 417: blocks or brackets nest more than 32 deep", forty);
        Assert.Contains(brackets, p => p.StartsWith("text template, line 1, column ", StringComparison.Ordinal) && p.EndsWith("blocks or brackets nest more than 32 deep", StringComparison.Ordinal));
        Assert.DoesNotContain(deepEnough, p => p.Contains("nest", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<p>{{ questions }}</p>\n<script>alert(1)</script>", "line 2, column 1: \"<script\"")]
    [InlineData("<p>{{ questions }}</p><form action=\"https://evil.example/\">", "line 1, column 23: \"<form\"")]
    [InlineData("<p>{{ questions }}</p><img src=x onerror=\"alert(1)\">", "line 1, column 23: \"<img src=x onerror=\"")]
    [InlineData("<p>{{ questions }}</p><a href=\"javascript:alert(1)\">here</a>", "line 1, column 32: \"javascript:\"")]
    [InlineData("<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\"><p>{{ questions }}</p>", "line 1, column 1: \"<meta http-equiv\"")]
    public void Script_forms_frames_handlers_and_javascript_links_in_an_html_template_are_refused_naming_where(string html, string where)
    {
        var problems = Templates.Problems(Schedule.Default with { HtmlTemplate = html });

        Assert.Contains(problems, p => p.StartsWith($"HTML template, {where} is not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void An_ordinary_html_template_with_styles_links_and_images_is_accepted()
    {
        var problems = Templates.Problems(Schedule.Default with { HtmlTemplate = "<style>p { color: #333 }</style><p style=\"margin:0\">Hello {{ patient_name }},</p>{{ questions }}<p><a href=\"https://clinic.example/help\"><img src=\"https://clinic.example/logo.png\" alt=\"Clinic\"></a> Online sessions</p>" });

        Assert.DoesNotContain(problems, p => p.Contains("is not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_control_character_in_a_template_is_refused_naming_where_it_is()
    {
        var problems = ProblemsOf("Hello\n\u001b[31mRED\u001b]0;pwned\u0007 {{ questions }}");

        Assert.Contains("text template, line 2, column 1: a control character (U+001B) is not allowed", problems);
    }

    [Fact]
    public void A_text_that_doubles_itself_in_a_loop_is_refused()
    {
        var problems = ProblemsOf("{% capture x %}ab{% endcapture %}{% for i in (1..60) %}{% capture x %}{{ x }}{{ x }}{% endcapture %}{% endfor %}{{ x }}{{ questions }}");
        var replace = ProblemsOf("{{ questions | replace: 'a', 'aaaaaaaaaa' | replace: 'a', 'aaaaaaaaaa' }}");

        Assert.Contains("text template: {% capture %} is not allowed (use the check-in's fields directly)", problems);
        Assert.Contains(replace, p => p.Contains("the filter 'replace' is not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_long_output_fails_the_render_with_its_reason()
    {
        var schedule = Schedule.Default with { TextTemplate = "{% for i in (1..100) %}{% for j in (1..100) %}{{ questions }}{% endfor %}{% endfor %}" };

        var failure = Assert.Throws<TemplateFailureException>(() => Templates.Render(schedule, TemplateModel.Sample));

        Assert.Matches("takes more than 10000 steps|grows past 100000 characters", failure.Message);
    }

    [Fact]
    public async Task Schedule_set_and_validate_refuse_an_include_with_one_line_naming_it()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var file = Path.Combine(Path.GetTempPath(), $"schedule-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "name": "x", "checkIns": [ { "weeks": 1 } ], "templates": { "text": "{% include '/etc/passwd' %}{{ questions }}" } }""");

        var validate = await Tool.RunAsync("followup-admin.dll", ["schedule", "validate", "--file", file]);
        var set = await Tool.RunAsync("followup-admin.dll", ["schedule", "set", "--file", file, "--connection", connectionString]);

        foreach (var run in new[] { validate, set })
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Single(run.Stderr.Trim().Split('\n'));
            Assert.Contains("{% include %} is not allowed", run.Stderr, StringComparison.Ordinal);
        }
        await using var db = new Npgsql.NpgsqlConnection(connectionString);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM schedules WHERE name = 'x'"));
    }

    [Fact]
    public async Task A_template_that_fails_at_send_time_fails_its_email_only_everyone_else_gets_theirs_and_the_therapist_is_told()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var ann = await clinic.EnrolAsync("Ann");
        await clinic.EnrolAsync("Ben");
        await using (var db = await clinic.Data.OpenConnectionAsync())
        {
            // A schedule stored before templates were checked (or edited in the database): its include must not
            // stop the sender.
            await db.ExecuteAsync("""
                INSERT INTO schedules (id, name, text_template, updated_at) VALUES (50, 'old', '{% include ''x'' %}{{ questions }}', now());
                INSERT INTO schedule_items (schedule_id, sequence, offset_days, asks_phq2) SELECT 50, sequence, offset_days, asks_phq2 FROM schedule_items WHERE schedule_id = 1;
                UPDATE courses SET schedule_id = 50 WHERE id = @ann;
                """, new { ann });
        }
        clinic.Clock.SetUtcNow(FirstCheckInDue);

        var result = await clinic.Dispatch.SendDueAsync(default);
        var preview = await Tool.RunAsync("followup-admin.dll", ["schedule", "preview", "--course", $"{ann}"],
            Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain)));

        Assert.Equal(1, result.Sent);
        Assert.Equal(1, result.Failed);
        Assert.Single(await new Mailbox(clinic.Address("ben")).WaitForAsync(1));
        await using var check = await clinic.Data.OpenConnectionAsync();
        var failed = await check.QuerySingleAsync<(string Status, string Failure)>(
            "SELECT status, failure FROM check_ins WHERE course_id = @ann AND sequence = 1", new { ann });
        Assert.Equal("failed", failed.Status);
        Assert.Contains("template of schedule 50 failed: {% include %} is not allowed", failed.Failure, StringComparison.Ordinal);
        Assert.Equal(1, preview.ExitCode);
        Assert.Single(preview.Stderr.Trim().Split('\n'));
        Assert.Contains("template cannot be rendered", preview.Stderr, StringComparison.Ordinal);

        // The gap in Ann's follow-up reaches her therapist as an alert naming the schedule an admin must fix; Ben's
        // course has none.
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        var told = Assert.Single(await new Mailbox(clinic.Address("therapist")).WaitForAsync(1));
        Assert.Contains("a check-in could not be sent", told.Subject, StringComparison.Ordinal);
        Assert.Contains("A clinic admin must fix schedule 50", told.TextBody, StringComparison.Ordinal);
        Assert.Equal(1, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE kind = 'not_sent' AND course_id = @ann AND status = 'open'", new { ann }));
        Assert.Equal(1, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts"));
    }
}
