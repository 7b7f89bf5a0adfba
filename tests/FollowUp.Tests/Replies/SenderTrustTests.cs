using Dapper;
using FollowUp.Replies;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FollowUp.Tests.Replies;

/// <summary>
/// Who may speak for a patient or a therapist, on the real servers: each message goes through the test Postfix to the
/// replies mailbox with the Authentication-Results header the clinic's receiving server would have prepended (or a
/// stranger's, or none), and the inbox reads it as it reads any other.
/// </summary>
public class SenderTrustTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The clinic's own receiving server is mx.&lt;domain&gt;; nothing is trusted by default.</summary>
    internal static async Task<Clinic> OpenProvingAsync()
    {
        var clinic = await Clinic.OpenAsync(Monday);
        Prove(clinic);
        return clinic;
    }

    /// <summary>
    /// The clinic's receiving server, mx.&lt;its domain&gt;, proves senders from now on (the domain is chosen as the
    /// clinic opens, so the setting is made on the options the inbox reads).
    /// </summary>
    internal static void Prove(Clinic clinic)
    {
        var options = clinic.Services.GetRequiredService<IOptions<InboxOptions>>().Value;
        options.TrustAllSenders = false;
        options.AuthServId = $"mx.{clinic.Domain}";
    }

    internal static string Pass(Clinic clinic) => $"mx.{clinic.Domain}; spf=pass smtp.mailfrom={clinic.Domain}; dkim=pass header.d={clinic.Domain}; dmarc=pass header.from={clinic.Domain}";

    internal static async Task<MimeMessage> CheckInToAsync(Clinic clinic, string patient)
    {
        await clinic.EnrolAsync(patient);
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        return (await new Mailbox(clinic.Address(patient.ToLowerInvariant())).WaitForAsync(1)).Single();
    }

    /// <summary>A message as a mail client writes it, with the headers a receiving server prepends above it, sent raw.</summary>
    internal static async Task SendAsync(Clinic clinic, string from, string to, string text, IEnumerable<string> authenticationResults, MimeMessage? inReplyTo = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = inReplyTo is null ? "my back" : "Re: " + inReplyTo.Subject;
        if (inReplyTo?.MessageId is { } id) message.InReplyTo = id;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.test");
        message.Date = clinic.Clock.GetUtcNow();
        message.Body = new TextPart("plain") { Text = text };
        foreach (var result in authenticationResults.Reverse()) message.Headers.Insert(0, "Authentication-Results", result);
        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        await RawSmtp.SendAsync("127.0.0.1", TestServers.SmtpPort, from, to, stream.ToArray());
    }

    internal static async Task<(string Outcome, string Detail, long? CheckInId)> ReadOneAsync(Clinic clinic)
    {
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        await using var db = await clinic.Data.OpenConnectionAsync();
        return await db.QuerySingleAsync<(string, string, long?)>("SELECT outcome, detail, check_in_id FROM inbound_messages ORDER BY id DESC LIMIT 1");
    }

    private static string ReplyTo(MimeMessage checkIn) => checkIn.ReplyTo.Mailboxes.Single().Address;

    [Fact]
    public async Task A_verified_reply_with_its_token_from_the_patient_is_applied()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");

        await SendAsync(clinic, clinic.Address("kai"), ReplyTo(checkIn), "Pain 4", [Pass(clinic)], checkIn);
        var inbound = await ReadOneAsync(clinic);

        Assert.Equal("answer", inbound.Outcome);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(4, await db.ExecuteScalarAsync<int>("SELECT pain FROM replies"));
    }

    [Fact]
    public async Task A_verified_reply_without_token_from_an_address_two_patients_share_is_filed_under_neither()
    {
        await using var clinic = await OpenProvingAsync();
        var family = clinic.Address("family");
        var today = DateOnly.FromDateTime(clinic.Clock.GetUtcNow().UtcDateTime);
        foreach (var name in new[] { "Tom Family", "Tina Family" })
            await clinic.Enrolment.EnrolAsync(new FollowUp.Courses.Enrolment
            {
                PatientName = name, PatientEmail = family, TimeZone = "Europe/London", TherapistEmail = clinic.Address("therapist"),
                TherapistName = "Sam Taylor", StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = 8, PainAtEnd = 3,
            }, CancellationToken.None);
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        Assert.Equal(2, (await clinic.Dispatch.SendDueAsync(default)).Sent);

        // Verified, but with no token and no thread: it could be Tom's answer or Tina's.
        await SendAsync(clinic, family, clinic.RepliesAddress, "Pain 9, mood low", [Pass(clinic)]);
        var inbound = await ReadOneAsync(clinic);

        Assert.Equal("unmatched", inbound.Outcome);
        Assert.Contains("more than one patient has the sender's address", inbound.Detail, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'sent'"));
    }

    [Fact]
    public async Task A_forged_From_of_the_patient_without_a_token_is_not_matched_by_sender_and_changes_nothing()
    {
        await using var clinic = await OpenProvingAsync();
        await CheckInToAsync(clinic, "Kai");

        // A stranger who knows Kai's address writes to the clinic's reply address, with an Authentication-Results of
        // their own that claims a pass: not the clinic's server, so ignored.
        await SendAsync(clinic, clinic.Address("kai"), clinic.RepliesAddress, "Pain 9, I feel terrible",
            [$"mx.attacker.example; dmarc=pass header.from={clinic.Domain}"]);
        var inbound = await ReadOneAsync(clinic);

        Assert.Equal("unmatched", inbound.Outcome);
        Assert.Contains("did not verify the sender; not matched by sender", inbound.Detail, StringComparison.Ordinal);
        Assert.Null(inbound.CheckInId);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        Assert.Equal("sent", await db.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE status <> 'planned'"));
    }

    [Fact]
    public async Task A_forged_STOP_with_the_check_ins_token_and_dmarc_fail_does_not_opt_the_patient_out()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");

        // The check-in was forwarded (or seen); the clinic's server found Kai's domain's DMARC policy failed.
        await SendAsync(clinic, clinic.Address("kai"), ReplyTo(checkIn), "STOP",
            [$"mx.{clinic.Domain}; spf=fail smtp.mailfrom={clinic.Domain}; dkim=none; dmarc=fail header.from={clinic.Domain}"], checkIn);
        var inbound = await ReadOneAsync(clinic);

        Assert.Equal("unmatched", inbound.Outcome);
        Assert.Contains("sender is forged (dmarc=fail)", inbound.Detail, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Null(await db.ExecuteScalarAsync<DateTime?>("SELECT opted_out_at FROM patients"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'cancelled'"));
    }

    [Fact]
    public async Task A_valid_token_from_an_unverifiable_sender_is_kept_with_its_check_in_for_the_therapist_and_not_applied()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");

        // No Authentication-Results from the clinic's server at all: the sender may be anyone.
        await SendAsync(clinic, clinic.Address("kai"), ReplyTo(checkIn), "Pain 8", [], checkIn);
        var inbound = await ReadOneAsync(clinic);

        Assert.Equal("unverified", inbound.Outcome);
        Assert.Contains("did not verify the sender; kept for the therapist to confirm, not applied", inbound.Detail, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(await db.ExecuteScalarAsync<long>("SELECT id FROM check_ins WHERE status = 'sent'"), inbound.CheckInId);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        Assert.Single(await new Mailbox(clinic.RepliesAddress).MessagesAsync("Unmatched"));
    }

    [Fact]
    public async Task A_forged_delivery_report_carrying_a_check_ins_token_does_not_mark_the_patient_undeliverable()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");

        // A real-looking DSN (multipart/report, message/delivery-status) sent to the check-in's VERP address, about a
        // message to some other address: not a report on anything the clinic sent to Kai.
        var report = new MimeMessage();
        report.From.Add(MailboxAddress.Parse("MAILER-DAEMON@attacker.example"));
        report.To.Add(MailboxAddress.Parse(ReplyTo(checkIn)));
        report.Subject = "Undelivered Mail Returned to Sender";
        report.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("attacker.example");
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; mx.attacker.example" } };
        var perRecipient = new HeaderList { { "Final-Recipient", "rfc822; someone@attacker.example" }, { "Action", "failed" }, { "Status", "5.1.1" } };
        status.StatusGroups.Add(perMessage);
        status.StatusGroups.Add(perRecipient);
        report.Body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Your message could not be delivered." }, status };
        using (var stream = new MemoryStream())
        {
            await report.WriteToAsync(stream);
            await RawSmtp.SendAsync("127.0.0.1", TestServers.SmtpPort, "", ReplyTo(checkIn), stream.ToArray());
        }
        var inbound = await ReadOneAsync(clinic);

        Assert.Equal("bounce", inbound.Outcome);
        Assert.Contains("not about a message sent to the patient", inbound.Detail, StringComparison.Ordinal);
        Assert.Null(inbound.CheckInId);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Null(await db.ExecuteScalarAsync<DateTime?>("SELECT undeliverable_at FROM patients"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'failed'"));
    }

    [Fact]
    public async Task A_forged_therapist_From_with_the_alerts_token_does_not_acknowledge_it_and_a_verified_one_does()
    {
        // The patient's answers arrive while the test server's senders are trusted; then the clinic proves senders.
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?> { ["FollowUp:Alerts:ConfirmingCheckIn"] = "false" });
        var courseId = await clinic.EnrolAsync("Dana", painAtStart: 8, painAtEnd: 3);
        await FollowUp.Tests.Alerts.AlertLifecycleTests.AnswerAsync(clinic, "dana", "Pain 3, mood 8", "Pain 7, mood 3");
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        var alert = (await new Mailbox(clinic.Address("therapist")).WaitForAsync(1)).Single();
        Prove(clinic);

        await SendAsync(clinic, clinic.Address("therapist"), ReplyTo(alert), "ACK", [], alert);
        var forged = await ReadOneAsync(clinic);

        Assert.Equal("unmatched", forged.Outcome);
        Assert.Contains("did not verify; nothing changed", forged.Detail, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("open", await db.ExecuteScalarAsync<string>("SELECT status FROM alerts WHERE course_id = @courseId", new { courseId }));

        await SendAsync(clinic, clinic.Address("therapist"), ReplyTo(alert), "ACK", [Pass(clinic)], alert);
        Assert.Equal("answer", (await ReadOneAsync(clinic)).Outcome);
        Assert.Equal("acknowledged", await db.ExecuteScalarAsync<string>("SELECT status FROM alerts WHERE course_id = @courseId", new { courseId }));
    }

    [Fact]
    public async Task Config_check_says_how_senders_are_proved_and_warns_loudly_when_every_sender_is_trusted()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var settings = Tool.AsEnvironment(Clinic.Settings(connectionString, TestServers.UniqueDomain("proof")));
        settings.Remove("FollowUp__Inbox__TrustAllSenders");
        var unset = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);
        settings["FollowUp__Inbox__AuthServId"] = "mx.clinic.example";
        var proving = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);
        settings["FollowUp__Inbox__TrustAllSenders"] = "true";
        var trusting = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);
        settings["FollowUp__Inbox__AuthServId"] = "mx.clinic.example; dmarc=pass";
        var bad = await Tool.RunAsync("followup-admin.dll", ["config", "check"], settings);

        Assert.Equal(0, unset.ExitCode);
        Assert.Contains("FollowUp:Inbox: no AuthServId: every sender is unverifiable", unset.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("TrustAllSenders is true", unset.Stdout, StringComparison.Ordinal);
        Assert.Contains("FollowUp:Inbox: senders proved by the Authentication-Results of mx.clinic.example", proving.Stdout, StringComparison.Ordinal);
        Assert.Contains("WARNING: FollowUp:Inbox:TrustAllSenders is true: every From: is believed", trusting.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("FollowUp:Inbox:AuthServId must be the receiving server's authserv-id", bad.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Self_harm_wording_from_an_unverified_sender_alerts_the_therapist_and_mails_no_crisis_contacts_to_the_sender()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");

        await SendAsync(clinic, clinic.Address("kai"), ReplyTo(checkIn), "Pain 8. Honestly I want to end my life.", [], checkIn);
        var inbound = await ReadOneAsync(clinic);

        Assert.Equal("unverified", inbound.Outcome);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var alert = await db.QuerySingleAsync<(string Kind, string Reason, string? PatientNotice)>("SELECT kind, reason, patient_notice_status FROM alerts");
        Assert.Equal("crisis", alert.Kind);
        Assert.Contains("I want to end my life", alert.Reason, StringComparison.Ordinal);
        Assert.Null(alert.PatientNotice);
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        Assert.Single(await new Mailbox(clinic.Address("therapist")).WaitForAsync(1));
        // Only the check-in itself: no crisis contacts to an address not shown to be the patient's.
        Assert.Single(await new Mailbox(clinic.Address("kai")).MessagesAsync("INBOX"));
    }

    [Fact]
    public async Task Self_harm_wording_from_the_patients_second_address_with_a_valid_token_alerts_the_therapist()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");

        await SendAsync(clinic, clinic.Address("kai.private"), ReplyTo(checkIn), "I keep thinking about killing myself.", [Pass(clinic)], checkIn);
        var inbound = await ReadOneAsync(clinic);

        Assert.Equal("unmatched", inbound.Outcome);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(("crisis", (string?)null), await db.QuerySingleAsync<(string, string?)>("SELECT kind, patient_notice_status FROM alerts"));
    }
}
