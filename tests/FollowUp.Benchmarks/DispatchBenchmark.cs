using FollowUp.CheckIns;
using FollowUp.Courses;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FollowUp.Benchmarks;

/// <summary>
/// Dispatch: check-ins sent per second through the full path (CheckInDispatch.SendDueAsync: claim, render, send,
/// record) against a bare MailKit loop sending the same number of comparable messages over one connection to the
/// same Postfix. Each run has its own database and mail domain; only the draining is timed, not the enrolment.
/// </summary>
internal static class DispatchBenchmark
{
    private static readonly DateTimeOffset CourseEnd = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    // A week after the course, the first check-in of every course (ended CourseEnd, Europe/London) is due and inside
    // the send window (the same moment tests/FollowUp.Tests/CheckIns/DispatchTests.cs uses).
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    public static async Task<double> FullPathAsync(BenchServers servers, string template, int count) =>
        (await FullPathAsync(servers, template, count, ingest: false)).Dispatch;

    /// <summary>The dispatch run; with <paramref name="ingest"/>, then N replies to the sent check-ins, timed through Inbox.ReadAsync.</summary>
    public static async Task<(double Dispatch, double Ingestion)> FullPathAsync(BenchServers servers, string template, int count, bool ingest)
    {
        var connectionString = await BenchDatabase.CloneAsync(servers, template);
        var domain = BenchServers.UniqueDomain("bench");
        var clock = new FakeTimeProvider(CourseEnd);
        await using var provider = Services(servers, connectionString, domain, clock);
        var enrolment = provider.GetRequiredService<CourseEnrolment>();
        var today = DateOnly.FromDateTime(CourseEnd.UtcDateTime);
        for (var i = 0; i < count; i++)
        {
            await enrolment.EnrolAsync(new Enrolment
            {
                PatientName = $"Patient {i}",
                PatientEmail = $"p{i}@{domain}",
                TimeZone = "Europe/London",
                TherapistEmail = $"therapist@{domain}",
                TherapistName = "Sam Taylor",
                StartedOn = today.AddDays(-35),
                EndedOn = today,
                PainAtStart = 8,
                PainAtEnd = 3,
                Consent = new FollowUp.DataProtection.EnrolmentConsent("form", null, null, "benchmark patient"),
            }, CancellationToken.None);
        }
        clock.SetUtcNow(FirstCheckInDue);
        var dispatch = provider.GetRequiredService<CheckInDispatch>();
        var sent = 0;
        var seconds = await Timing.SecondsAsync(async () =>
        {
            while (true)
            {
                var result = await dispatch.SendDueAsync(CancellationToken.None);
                sent += result.Sent;
                if (result.Sent + result.Failed + result.Retrying == 0) break;
            }
        });
        if (sent != count) throw new InvalidOperationException($"the full path sent {sent} check-ins, expected {count}");
        if (!ingest) return (seconds, 0);
        return (seconds, await IngestionBenchmark.FullPathAsync(servers, provider, domain, count));
    }

    public static async Task<double> BareLoopAsync(BenchServers servers, int count)
    {
        var domain = BenchServers.UniqueDomain("bare");
        // The same messages the full path sends, built before timing by the same code (CheckInEmail, the default
        // schedule's templates, each check-in's own token and Message-ID), and sent with the same envelope: the
        // check-in's VERP reply address as sender, the patient as recipient. What is left to the full path is the
        // claim, the fresh check, the rendering and the record.
        await using var provider = Services(servers, "Host=127.0.0.1;Port=1", domain, TimeProvider.System);
        var clinic = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<FollowUp.Mail.ClinicOptions>>().Value;
        var tokens = provider.GetRequiredService<FollowUp.Mail.ReplyToken>();
        var messages = Enumerable.Range(0, count).Select(i => CheckInEmail.Build(new CheckInToSend
        {
            Id = i + 1,
            CheckInId = i + 1,
            Sequence = 1,
            OffsetDays = 7,
            AsksMood = true,
            CourseId = i + 1,
            PatientId = i + 1,
            PatientName = $"Patient {i}",
            PatientEmail = $"p{i}@{domain}",
            TimeZone = "Europe/London",
            TherapistName = "Sam Taylor",
        }, FollowUp.Schedules.Schedule.Default, clinic, tokens, FirstCheckInDue, publicUrl: null)).ToArray();
        using var smtp = new SmtpClient();
        return await Timing.SecondsAsync(async () =>
        {
            await smtp.ConnectAsync("127.0.0.1", servers.SmtpPort, SecureSocketOptions.None);
            foreach (var message in messages) await smtp.SendAsync(message, message.ReplyTo.Mailboxes.First(), message.To.Mailboxes);
            await smtp.DisconnectAsync(quit: true);
        });
    }

    internal static ServiceProvider Services(BenchServers servers, string connectionString, string domain, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings(servers, connectionString, domain)).Build());
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(clock);
        services.AddFollowUpCore();
        return services.BuildServiceProvider();
    }

    /// <summary>The settings of a worker (or web face) for this run's database and mail domain.</summary>
    internal static Dictionary<string, string?> Settings(BenchServers servers, string connectionString, string domain)
    {
        return new Dictionary<string, string?>
        {
            ["FollowUp:Database:ConnectionString"] = connectionString,
            ["FollowUp:Database:MigrationsPath"] = BenchDatabase.MigrationsPath,
            ["FollowUp:Smtp:Host"] = "127.0.0.1",
            ["FollowUp:Smtp:Port"] = servers.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FollowUp:Smtp:Security"] = "None",
            ["FollowUp:Imap:Host"] = "127.0.0.1",
            ["FollowUp:Imap:Port"] = servers.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FollowUp:Imap:Security"] = "None",
            ["FollowUp:Imap:Username"] = $"replies@{domain}",
            ["FollowUp:Imap:Password"] = servers.MailPassword,
            ["FollowUp:Clinic:Name"] = "Test Clinic",
            ["FollowUp:Clinic:FromAddress"] = $"checkins@{domain}",
            ["FollowUp:Clinic:ReplyAddress"] = $"replies@{domain}",
            ["FollowUp:Clinic:TokenKey"] = "bench-token-key-0123456789abcdef0123456789abcdef",
            ["FollowUp:Inbox:TrustAllSenders"] = "true",
        };
    }
}
