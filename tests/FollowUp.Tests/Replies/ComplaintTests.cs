using Dapper;
using FollowUp.Courses;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FollowUp.Tests.Replies;

/// <summary>
/// Feedback-loop reports (RFC 5965 ARF) as mailbox providers send them when a patient presses "this is spam", through
/// the real Postfix to the replies mailbox: the three shapes below follow the reports Yahoo (CFL), Outlook.com (JMRP in
/// ARF) and AOL (SComp) send, each attaching the check-in as the patient received it (the recipient redacted where that
/// provider redacts it). Only a report quoting a check-in FollowUp really sent to that patient suppresses the address.
/// </summary>
public class ComplaintTests
{
    private static readonly DateTimeOffset SecondCheckInDue = new(2026, 11, 16, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The check-in as the provider attaches it: whole (message/rfc822) or its headers only, the recipient redacted or not.</summary>
    private static string Original(MimeMessage checkIn, string? redactedTo, bool headersOnly)
    {
        using var stream = new MemoryStream();
        checkIn.WriteTo(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\r\n");
        if (redactedTo is not null)
            text = string.Join("\r\n", text.Split("\r\n").Select(l => l.StartsWith("To:", StringComparison.OrdinalIgnoreCase) ? $"To: {redactedTo}" : l));
        return headersOnly ? text[..(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 2)] : text;
    }

    private static string Yahoo(Clinic clinic, MimeMessage checkIn) => $"""
        From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>
        To: {clinic.RepliesAddress}
        Subject: FW: {checkIn.Subject}
        Date: Mon, 9 Nov 2026 11:02:40 +0000
        Message-ID: <1762686160.4711@arf.mail.yahoo.com>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="----=_Part_4711_1"

        ------=_Part_4711_1
        Content-Type: text/plain; charset=us-ascii
        Content-Transfer-Encoding: 7bit

        This is an email abuse report for an email message received from IP 192.0.2.25 on Mon, 09 Nov 2026 10:00:12 +0000.
        For more information about this format please see http://www.mipassoc.org/arf/.

        ------=_Part_4711_1
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: Yahoo!-Mail-Feedback/2.0
        Version: 1
        Original-Mail-From: <{checkIn.ReplyTo.Mailboxes.Single().Address}>
        Arrival-Date: Mon, 09 Nov 2026 10:00:12 +0000
        Source-IP: 192.0.2.25
        Reported-Domain: {clinic.Domain}
        Authentication-Results: mta4012.mail.gq1.yahoo.com from={clinic.Domain}; dkim=pass (ok)

        ------=_Part_4711_1
        Content-Type: message/rfc822
        Content-Disposition: inline

        {Original(checkIn, "redacted@yahoo.com", headersOnly: false)}
        ------=_Part_4711_1--
        """;

    private static string Outlook(Clinic clinic, MimeMessage checkIn, string? rcptTo = null) => $"""
        From: staff@hotmail.com
        To: {clinic.RepliesAddress}
        Subject: complaint about message from 192.0.2.25
        Date: Mon, 9 Nov 2026 11:05:03 -0800
        Message-ID: <B0F1C2D3E4.jmrp@bay0-mc5-f12.hotmail.com>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="--boundary_4711_jmrp"

        ----boundary_4711_jmrp
        Content-Type: text/plain; charset="us-ascii"

        This is an email abuse report for an email message received from IP 192.0.2.25 on Mon, 9 Nov 2026 10:00:12 -0800

        ----boundary_4711_jmrp
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: Hotmail FBL
        Version: 0.1
        Original-Rcpt-To: {rcptTo ?? checkIn.To.Mailboxes.Single().Address}
        Received-Date: Mon, 9 Nov 2026 10:00:12 -0800
        Source-IP: 192.0.2.25

        ----boundary_4711_jmrp
        Content-Type: message/rfc822

        {Original(checkIn, null, headersOnly: false)}
        ----boundary_4711_jmrp--
        """;

    private static string Aol(Clinic clinic, MimeMessage checkIn, string feedbackType = "abuse") => $"""
        From: scomp@aol.net
        To: {clinic.RepliesAddress}
        Subject: Email Feedback Report for IP 192.0.2.25
        Date: Mon, 09 Nov 2026 06:07:11 -0500 (EST)
        Message-ID: <200611090607.aol.scomp.0001@aol.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="boundary-1762686431"

        --boundary-1762686431
        Content-Type: text/plain; charset="US-ASCII"
        Content-Transfer-Encoding: 7bit

        This is an email abuse report for an email message from {clinic.Domain} on Mon, 09 Nov 2026 05:00:12 EST

        --boundary-1762686431
        Content-Type: message/feedback-report

        Feedback-Type: {feedbackType}
        User-Agent: AOL SComp
        Version: 0.1
        Received-Date: Mon, 09 Nov 2026 05:00:12 -0500 (EST)
        Source-IP: 192.0.2.25
        Reported-Domain: {clinic.Domain}
        Redacted-Address: redacted

        --boundary-1762686431
        Content-Type: text/rfc822-headers

        {Original(checkIn, "redacted", headersOnly: true)}
        --boundary-1762686431--
        """;

    private static async Task<(string Outcome, string Detail, long? CheckInId)> ReportAsync(Clinic clinic, string report)
    {
        // Providers send from their own bounce address (never the patient's): the envelope sender does not matter here.
        await RawSmtp.SendAsync("127.0.0.1", TestServers.SmtpPort, "fbl-bounces@provider.example", clinic.RepliesAddress,
            System.Text.Encoding.UTF8.GetBytes(report.ReplaceLineEndings("\r\n")));
        return await SenderTrustTests.ReadOneAsync(clinic);
    }

    private static Task<Suppression?> SuppressionAsync(Clinic clinic) => clinic.Services.GetRequiredService<Suppressions>().ListAsync(default)
        .ContinueWith(t => t.Result.SingleOrDefault(), TaskScheduler.Default);

    [Theory]
    [InlineData("yahoo")]
    [InlineData("outlook")]
    [InlineData("aol")]
    public async Task A_providers_spam_complaint_about_a_check_in_suppresses_the_patients_address_as_a_complaint(string provider)
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var checkIn = await SenderTrustTests.CheckInToAsync(clinic, "Kai");

        var inbound = await ReportAsync(clinic, provider switch { "yahoo" => Yahoo(clinic, checkIn), "outlook" => Outlook(clinic, checkIn), _ => Aol(clinic, checkIn) });

        Assert.Equal("complaint", inbound.Outcome);
        Assert.Contains("Feedback-Type abuse", inbound.Detail, StringComparison.Ordinal);
        Assert.NotNull(inbound.CheckInId);
        var suppressed = await SuppressionAsync(clinic);
        Assert.NotNull(suppressed);
        Assert.Equal("complaint", suppressed.UndeliverableBecause);
        Assert.Equal(clinic.Address("kai"), suppressed.Email);
        Assert.Equal(clinic.Clock.GetUtcNow().UtcDateTime, suppressed.UndeliverableAt);
        Assert.True(suppressed.Liftable);
        Assert.StartsWith("complaint", suppressed.Why, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE kind = 'unreachable' AND status = 'open'"));
    }

    [Fact]
    public async Task A_forged_complaint_naming_the_patient_but_no_check_in_we_sent_suppresses_nobody_and_is_kept_unmatched()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var checkIn = await SenderTrustTests.CheckInToAsync(clinic, "Kai");
        // Someone who knows Kai's address writes an Outlook-shaped report around a check-in they made up: a Message-ID of
        // our shape with an invented token, and a reply token that does not verify.
        var forgedOriginal = new MimeMessage();
        forgedOriginal.From.Add(checkIn.From.Mailboxes.Single());
        forgedOriginal.To.Add(checkIn.To.Mailboxes.Single());
        forgedOriginal.ReplyTo.Add(MailboxAddress.Parse($"replies+c.999.AAAAAAAAAAAAAAAAAAAAAA@{clinic.Domain}"));
        forgedOriginal.Subject = checkIn.Subject ?? "";
        forgedOriginal.MessageId = $"checkin.c.999.AAAAAAAAAAAAAAAAAAAAAA@{clinic.Domain}";
        forgedOriginal.Body = new TextPart("plain") { Text = "How is your back?" };

        var inbound = await ReportAsync(clinic, Outlook(clinic, forgedOriginal));

        Assert.Equal("unmatched", inbound.Outcome);
        Assert.Contains("nothing changed", inbound.Detail, StringComparison.Ordinal);
        Assert.Null(inbound.CheckInId);
        Assert.Null(await SuppressionAsync(clinic));
    }

    [Fact]
    public async Task A_complaint_quoting_a_real_check_in_but_received_at_another_address_suppresses_nobody()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var checkIn = await SenderTrustTests.CheckInToAsync(clinic, "Kai");

        // Kai forwarded the check-in to a friend, whose provider reports it: the report names the friend's address.
        var inbound = await ReportAsync(clinic, Outlook(clinic, checkIn, rcptTo: "friend@outlook.example"));

        Assert.Equal("unmatched", inbound.Outcome);
        Assert.Contains("not about a message sent to the patient", inbound.Detail, StringComparison.Ordinal);
        Assert.Null(await SuppressionAsync(clinic));
    }

    [Fact]
    public async Task A_feedback_report_that_is_not_a_spam_complaint_suppresses_nobody()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var checkIn = await SenderTrustTests.CheckInToAsync(clinic, "Kai");

        var inbound = await ReportAsync(clinic, Aol(clinic, checkIn, feedbackType: "not-spam"));

        Assert.Equal("unmatched", inbound.Outcome);
        Assert.Contains("not a spam complaint", inbound.Detail, StringComparison.Ordinal);
        Assert.Null(await SuppressionAsync(clinic));
    }

    [Fact]
    public async Task An_admin_lifts_a_complaint_suppression_with_an_audit_row_and_the_next_check_in_goes_out()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var checkIn = await SenderTrustTests.CheckInToAsync(clinic, "Kai");
        Assert.Equal("complaint", (await ReportAsync(clinic, Yahoo(clinic, checkIn))).Outcome);
        var suppressed = await SuppressionAsync(clinic) ?? throw new InvalidOperationException("not suppressed");

        await clinic.Services.GetRequiredService<Suppressions>().LiftAsync(suppressed.PatientId, "admin@clinic.test", default);

        Assert.Null(await SuppressionAsync(clinic));
        await using (var db = await clinic.Data.OpenConnectionAsync())
        {
            var audit = await db.QuerySingleAsync<(string Actor, string Detail)>("SELECT actor, detail::text FROM audit_log WHERE kind LIKE '%suppression%lifted'");
            Assert.Equal("admin@clinic.test", audit.Actor);
            Assert.Contains("\"because\": \"complaint\"", audit.Detail, StringComparison.Ordinal);
        }
        clinic.Clock.SetUtcNow(SecondCheckInDue);
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        Assert.Equal(2, (await new Mailbox(clinic.Address("kai")).WaitForAsync(2)).Count);
    }

    [Fact]
    public async Task The_admin_tool_lists_a_complaint_suppression_with_why_and_lifts_it()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var checkIn = await SenderTrustTests.CheckInToAsync(clinic, "Kai");
        Assert.Equal("complaint", (await ReportAsync(clinic, Aol(clinic, checkIn))).Outcome);
        var patient = (await SuppressionAsync(clinic))!.PatientId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var list = await Tool.RunAsync("followup-admin.dll", ["suppression", "list", "--connection", clinic.ConnectionString]);
        var lift = await Tool.RunAsync("followup-admin.dll", ["suppression", "lift", patient, "--actor", "ops", "--connection", clinic.ConnectionString]);
        var again = await Tool.RunAsync("followup-admin.dll", ["suppression", "lift", patient, "--actor", "ops", "--connection", clinic.ConnectionString]);

        Assert.Equal(0, list.ExitCode);
        Assert.Contains(clinic.Address("kai"), list.Stdout, StringComparison.Ordinal);
        Assert.Contains("complaint: reported a check-in as spam", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, lift.ExitCode);
        Assert.Contains("go out again", lift.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is not suppressed", again.Stderr, StringComparison.Ordinal);
        Assert.Null(await SuppressionAsync(clinic));
    }
}
