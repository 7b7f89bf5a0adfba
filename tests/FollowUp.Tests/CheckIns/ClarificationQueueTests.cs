using System.Net;
using System.Net.Sockets;
using Dapper;
using FollowUp.Replies;
using FollowUp.Tests.Support;
using FollowUp.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FollowUp.Tests.CheckIns;

/// <summary>A clarification is a queued patient email like any other: a send that fails is retried, never lost, never doubled.</summary>
public class ClarificationQueueTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_clarification_whose_send_fails_stays_queued_and_the_next_dispatch_run_sends_it_once()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (_, mailbox, checkIn) = await UnclearReplyToAFirstCheckInAsync(clinic, "noor", "Hard to say this week.");

        // The worker that reads the reply cannot reach its SMTP server at that moment.
        await using (var cutOff = WorkerWithoutSmtp(clinic))
            await cutOff.GetRequiredService<Inbox>().ReadAsync(default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var queued = await db.QuerySingleAsync<(string Status, string Failure)>("SELECT status, failure FROM reminders WHERE kind = 'clarification'");
        Assert.Equal("planned", queued.Status);
        Assert.StartsWith("SMTP connection failed", queued.Failure, StringComparison.Ordinal);
        Assert.Single(await mailbox.MessagesAsync());

        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var clarification = (await mailbox.WaitForAsync(2))[1];
        // It answers the patient's reply, as it would have had it gone at once.
        Assert.Equal(await db.ExecuteScalarAsync<string>("SELECT message_id FROM inbound_messages"), clarification.InReplyTo);
        Assert.Equal(checkIn.ReplyTo.Mailboxes.Single().Address, clarification.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", clarification.Headers["Auto-Submitted"]);
        Assert.Contains("We could not quite read your answer", clarification.TextBody, StringComparison.Ordinal);
        Assert.Equal(0, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'clarification_sent'"));
        Assert.Equal(2, (await mailbox.MessagesAsync()).Count);
    }

    [Fact]
    public async Task A_queued_clarification_is_cancelled_when_a_clear_answer_arrives_before_it_could_go()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (ravi, mailbox, checkIn) = await UnclearReplyToAFirstCheckInAsync(clinic, "ravi", "Not sure.");
        await using (var cutOff = WorkerWithoutSmtp(clinic))
        {
            await cutOff.GetRequiredService<Inbox>().ReadAsync(default);
            await ravi.ReplyAsync(checkIn, "Pain 2, mood good", clinic.Clock.GetUtcNow(), default);
            await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
            await cutOff.GetRequiredService<Inbox>().ReadAsync(default);
        }

        Assert.Equal(0, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(("cancelled", "check-in answered"),
            await db.QuerySingleAsync<(string, string)>("SELECT status, failure FROM reminders WHERE kind = 'clarification'"));
        Assert.Single(await mailbox.MessagesAsync());
    }

    /// <summary>A patient who received their first check-in and answered it with something we cannot read; the reply waits in the mailbox.</summary>
    private static async Task<(SimulatedPatient Patient, Mailbox Mailbox, MimeKit.MimeMessage CheckIn)> UnclearReplyToAFirstCheckInAsync(Clinic clinic, string name, string reply)
    {
        await clinic.EnrolAsync(name);
        var patient = new SimulatedPatient(clinic.Address(name), clinic.Imap, Clinic.Smtp);
        var mailbox = new Mailbox(patient.Address);
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await mailbox.WaitForAsync(1)).Single();
        await patient.ReplyAsync(checkIn, reply, clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        return (patient, mailbox, checkIn);
    }

    /// <summary>A second worker of the same clinic (same database, mailbox and clock) whose SMTP port has nothing listening.</summary>
    private static ServiceProvider WorkerWithoutSmtp(Clinic clinic)
    {
        var settings = Clinic.Settings(clinic.ConnectionString, clinic.Domain, new Dictionary<string, string?>
        {
            ["FollowUp:Smtp:Port"] = ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(clinic.Clock);
        services.AddFollowUpCore();
        return services.BuildServiceProvider();
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
