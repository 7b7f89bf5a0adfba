using System.Buffers.Binary;
using System.Diagnostics;
using FollowUp.Alerts;
using FollowUp.Mail;

namespace FollowUp.Tests.Alerts;

/// <summary>The alert email as the therapist sees it: one-line reason, chart, plain text, minimal-PHI mode.</summary>
public class AlertEmailTests
{
    private static readonly ClinicOptions Clinic = new() { Name = "Test Clinic", FromAddress = "checkins@clinic.test", ReplyAddress = "replies@clinic.test" };
    private static readonly DateTimeOffset Now = new(2027, 1, 4, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] Browsers = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    private static AlertToSend Dana => new()
    {
        Id = 42, CourseId = 7, Kind = "late_worsening", Severity = "high",
        Reason = "Pain 7 at week 8, up from 3 at course end; baseline 8; PHQ-2 4",
        PatientName = "Dana Example", PatientEmail = "dana@example.org", TherapistEmail = "sam@clinic.test", TherapistName = "Sam Taylor",
        StartedOn = new DateOnly(2026, 10, 1), EndedOn = new DateOnly(2026, 11, 5), PainAtStart = 8, PainAtEnd = 3,
    };

    private static readonly TrajectoryPoint[] FollowUps =
    [
        new("Week 1", new DateOnly(2026, 11, 12), 3, "8/10", OffsetDays: 7, MoodScore: 8),
        new("Week 2", new DateOnly(2026, 11, 19), 4, "7/10", "PHQ-2 1", 14, MoodScore: 7),
        new("Week 4", new DateOnly(2026, 12, 3), 4, "6/10", "PHQ-2 2", 28, MoodScore: 6),
        new("Week 6", new DateOnly(2026, 12, 17), null, null, OffsetDays: 42),
        new("Week 8", new DateOnly(2026, 12, 31), 7, "3/10", "PHQ-2 4", 56, MoodScore: 3),
    ];

    private static MimeKit.MimeMessage Build(AlertOptions options) =>
        AlertEmail.Build(Dana, CourseTrajectory.Of(Dana.StartedOn, Dana.EndedOn, Dana.PainAtStart, Dana.PainAtEnd, FollowUps, options), Clinic, options, "replies+a42-x@clinic.test", Now);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_a_web_face_the_alert_email_links_the_course_page_and_without_one_it_does_not(bool minimalPhi)
    {
        var options = new AlertOptions { MinimalPhi = minimalPhi };
        var trajectory = CourseTrajectory.Of(Dana.StartedOn, Dana.EndedOn, Dana.PainAtStart, Dana.PainAtEnd, FollowUps, options);

        var linked = AlertEmail.Build(Dana, trajectory, Clinic, options, "replies+a42-x@clinic.test", Now, courseUrl: "https://followup.clinic.test/courses/7");
        var plain = AlertEmail.Build(Dana, trajectory, Clinic, options, "replies+a42-x@clinic.test", Now);

        Assert.Contains("The course on the web (trajectory, replies, ACK): https://followup.clinic.test/courses/7", linked.TextBody, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://followup.clinic.test/courses/7\">Open the course</a>", linked.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("/courses/", plain.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("/courses/", plain.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void The_alert_email_gives_the_reason_first_and_the_trajectory_as_a_table_chart_and_as_text()
    {
        var message = Build(new AlertOptions());

        Assert.Equal("URGENT: FollowUp alert for Dana Example: pain back up after the massage course", message.Subject);
        Assert.Equal("replies+a42-x@clinic.test", message.ReplyTo.Mailboxes.Single().Address);
        Assert.StartsWith("Pain 7 at week 8, up from 3 at course end; baseline 8; PHQ-2 4.", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Week 8        2026-12-31   7  #######     mood 3/10  PHQ-2 4", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Alert zone: pain 5 or more.", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Mood 8 → 7 → 6 → 3 (0-10, 10 = very good): falling. A trend only, not a diagnosis.", message.TextBody, StringComparison.Ordinal);
        var html = message.HtmlBody!;
        Assert.Contains("<b>Pain 7 at week 8, up from 3 at course end; baseline 8; PHQ-2 4.</b>", html, StringComparison.Ordinal);
        // 11 pain rows × 7 points; the alert-zone band and bars as bgcolor cells, no images, no style sheet, nothing remote.
        Assert.Equal(77, html.Split("height=\"16\"").Length - 1);
        Assert.Contains("bgcolor=\"#c53030\"", html, StringComparison.Ordinal);
        Assert.Contains("bgcolor=\"#fde2e2\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not a diagnosis", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_digest_lists_open_alerts_and_disengaged_patients_and_hides_details_in_minimal_phi_mode()
    {
        var therapist = new Digest.TherapistRow { Id = 3, Email = "sam@clinic.test", Name = "Sam" };
        Digest.DigestAlert[] alerts =
        [
            new() { Id = 42, Kind = "late_worsening", Severity = "high", Reason = "Pain 7 at week 8, up from 3 at course end; baseline 8", RaisedAt = new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc), EscalatedAt = new DateTime(2027, 1, 5, 0, 0, 0, DateTimeKind.Utc), PatientName = "Dana" },
            new() { Id = 43, Kind = "disengaged", Severity = "low", Reason = "No answer to the last 2 check-ins (week 4, week 6)", RaisedAt = new DateTime(2027, 1, 2, 0, 0, 0, DateTimeKind.Utc), PatientName = "Kai" },
        ];
        var rate = new Digest.ResponseRate { Sent = 8, Answered = 6 };

        var full = Digest.Build(therapist, alerts, rate, new DateOnly(2027, 1, 6), Clinic, new AlertOptions(), Now);
        var minimal = Digest.Build(therapist, alerts, rate, new DateOnly(2027, 1, 6), Clinic, new AlertOptions { MinimalPhi = true }, Now);

        Assert.Equal("FollowUp daily digest 2027-01-06: 1 open alert(s)", full.Subject);
        Assert.Contains("A-42 (high, since 2027-01-01) Dana: Pain 7 at week 8, up from 3 at course end; baseline 8 [escalated to the lead]", full.TextBody, StringComparison.Ordinal);
        Assert.Contains("Patients who stopped taking part (1):\n  A-43 (low, since 2027-01-02) Kai: No answer", full.TextBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("6 of 8 check-ins answered (75%)", full.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Dana", minimal.TextBody + minimal.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("A-42 (high, since 2027-01-01) pain back up after the massage course [escalated to the lead]", minimal.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void In_minimal_phi_mode_the_email_carries_only_a_reference_and_the_reason_class()
    {
        var message = Build(new AlertOptions { MinimalPhi = true });

        Assert.Equal("URGENT: FollowUp alert for A-42: pain back up after the massage course", message.Subject);
        foreach (var body in new[] { message.TextBody!, message.HtmlBody! })
        {
            Assert.DoesNotContain("Dana", body, StringComparison.Ordinal);
            Assert.DoesNotContain("dana@", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Pain 7", body, StringComparison.Ordinal);
            Assert.DoesNotContain("PHQ-2 4", body, StringComparison.Ordinal);
            Assert.Contains("followup-admin alert show 42", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_alert_emails_html_renders_legibly_in_headless_chromium()
    {
        var chromium = Browsers.FirstOrDefault(File.Exists);
        Assert.True(chromium is not null,
            "Headless Chromium is needed to look at the alert email the way a therapist's mail client shows it: install the Debian package 'chromium' (apt-get install -y chromium).");

        var work = Directory.CreateTempSubdirectory("followup-render-");
        var htmlFile = Path.Combine(work.FullName, "alert.html");
        await File.WriteAllTextAsync(htmlFile, Build(new AlertOptions()).HtmlBody);
        var png = Path.Combine(AppContext.BaseDirectory, "alert-email.png");
        File.Delete(png);
        var start = new ProcessStartInfo(chromium!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--hide-scrollbars",
                     $"--user-data-dir={Path.Combine(work.FullName, "profile")}", "--window-size=760,720", $"--screenshot={png}", new Uri(htmlFile).AbsoluteUri })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(deadline.Token);

        Assert.True(File.Exists(png), $"Chromium made no screenshot (exit {process.ExitCode}): {await stderr}");
        var bytes = await File.ReadAllBytesAsync(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(760, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        // A blank or failed page compresses to a few KB; text, grid and coloured bars make it much larger.
        Assert.True(bytes.Length > 20_000, $"the screenshot is suspiciously small ({bytes.Length} bytes): {png}");
        work.Delete(recursive: true);
    }
}
