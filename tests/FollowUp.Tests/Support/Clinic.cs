using FollowUp.Alerts;
using FollowUp.CheckIns;
using FollowUp.Courses;
using FollowUp.Mail;
using FollowUp.Replies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FollowUp.Tests.Support;

/// <summary>
/// One clinic under test: its own database, its own mail domain and replies mailbox on the real servers, the
/// library's real services, and a fake clock that the test moves. Tests call the same services the Quartz jobs call.
/// </summary>
public sealed class Clinic : IAsyncDisposable
{
    public const string TokenKey = "test-token-key-0123456789abcdef0123456789abcdef";

    private readonly ServiceProvider _services;

    private Clinic(ServiceProvider services, FakeTimeProvider clock, string connectionString, string domain)
    {
        _services = services;
        Clock = clock;
        ConnectionString = connectionString;
        Domain = domain;
    }

    public FakeTimeProvider Clock { get; }
    public string ConnectionString { get; }
    /// <summary>The clinic's own mail domain for this test; patients and therapists get addresses under it too.</summary>
    public string Domain { get; }
    public string RepliesAddress => $"replies@{Domain}";

    public IServiceProvider Services => _services;
    public NpgsqlDataSource Data => _services.GetRequiredService<NpgsqlDataSource>();
    public CourseEnrolment Enrolment => _services.GetRequiredService<CourseEnrolment>();
    internal CheckInDispatch Dispatch => _services.GetRequiredService<CheckInDispatch>();
    internal Inbox Inbox => _services.GetRequiredService<Inbox>();
    internal AlertNotifier Alerts => _services.GetRequiredService<AlertNotifier>();
    public ReplyToken Tokens => _services.GetRequiredService<ReplyToken>();
    public FollowUp.Schedules.ScheduleStore Schedules => _services.GetRequiredService<FollowUp.Schedules.ScheduleStore>();
    public CourseChanges Changes => _services.GetRequiredService<CourseChanges>();
    internal static SmtpOptions Smtp => new() { Host = "127.0.0.1", Port = TestServers.SmtpPort, Security = MailKit.Security.SecureSocketOptions.None };
    internal ImapOptions Imap => new() { Host = "127.0.0.1", Port = TestServers.ImapPort, Security = MailKit.Security.SecureSocketOptions.None, Username = RepliesAddress, Password = TestServers.MailPassword };

    public string Address(string local) => $"{local}@{Domain}";

    /// <summary>A plain reply to a check-in as a mail client writes it: to its reply address, in its thread.</summary>
    public static MimeKit.MimeMessage ReplyTo(MimeKit.MimeMessage checkIn, string from, string subject, string text)
    {
        var reply = new MimeKit.MimeMessage();
        reply.From.Add(MimeKit.MailboxAddress.Parse(from));
        reply.To.Add(checkIn.ReplyTo.Mailboxes.Single());
        reply.Subject = subject;
        reply.InReplyTo = checkIn.MessageId;
        reply.Body = new MimeKit.TextPart("plain") { Text = text };
        return reply;
    }

    /// <summary>Hands a message, as a mail client or a remote mail system wrote it, to the real SMTP server.</summary>
    public static async Task SendAsync(MimeKit.MimeMessage message)
    {
        using var smtp = await MailConnections.ConnectSmtpAsync(Smtp, default);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    public static async Task<Clinic> OpenAsync(DateTimeOffset? now = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var connectionString = await TestDatabase.CreateAsync();
        var domain = TestServers.UniqueDomain("clinic");
        return Open(connectionString, domain, now, Settings(connectionString, domain, settings), configure);
    }

    /// <summary>The same clinic (database and mail domain) as a worker restarted with other settings would see it.</summary>
    public static Task<Clinic> ReopenAsync(string connectionString, string domain, DateTimeOffset now, IDictionary<string, string?> settings) =>
        Task.FromResult(Open(connectionString, domain, now, settings, null));

    private static Clinic Open(string connectionString, string domain, DateTimeOffset? now, IDictionary<string, string?> settings, Action<IServiceCollection>? configure)
    {
        var clock = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(clock);
        services.AddFollowUpCore();
        configure?.Invoke(services);
        return new Clinic(services.BuildServiceProvider(), clock, connectionString, domain);
    }

    /// <summary>The settings a worker for this clinic would have (environment-variable form: FollowUp__Smtp__Port …).</summary>
    public static Dictionary<string, string?> Settings(string connectionString, string domain, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["FollowUp:Database:ConnectionString"] = connectionString,
            ["FollowUp:Database:MigrationsPath"] = Path.Combine(AppContext.BaseDirectory, "migrations"),
            ["FollowUp:Smtp:Host"] = "127.0.0.1",
            ["FollowUp:Smtp:Port"] = TestServers.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FollowUp:Smtp:Security"] = "None",
            ["FollowUp:Imap:Host"] = "127.0.0.1",
            ["FollowUp:Imap:Port"] = TestServers.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FollowUp:Imap:Security"] = "None",
            ["FollowUp:Imap:Username"] = $"replies@{domain}",
            ["FollowUp:Imap:Password"] = TestServers.MailPassword,
            ["FollowUp:Clinic:Name"] = "Test Clinic",
            ["FollowUp:Clinic:FromAddress"] = $"checkins@{domain}",
            ["FollowUp:Clinic:ReplyAddress"] = $"replies@{domain}",
            ["FollowUp:Clinic:TokenKey"] = TokenKey,
            // The test Postfix adds no Authentication-Results: its senders are trusted, as a clinic's would not be.
            // Tests of sender proof set AuthServId and turn this off.
            ["FollowUp:Inbox:TrustAllSenders"] = "true",
            // The test clinic's standing rule: every patient signed the intake form that covers the follow-up, so the
            // enrolments and imports of tests about something else need not each say so. Consent tests unset it.
            ["FollowUp:Clinic:DefaultConsent"] = "form",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        return settings;
    }

    /// <summary>Enrols a course ending on the clock's current day, with sensible defaults for what the test does not care about.</summary>
    public Task<long> EnrolAsync(string patient, int painAtStart = 8, int? painAtEnd = 3, string timeZone = "Europe/London", string therapist = "therapist")
    {
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        return Enrolment.EnrolAsync(new Enrolment
        {
            PatientName = patient,
            PatientEmail = Address(patient.ToLowerInvariant()),
            TimeZone = timeZone,
            TherapistEmail = Address(therapist),
            TherapistName = "Sam Taylor",
            StartedOn = today.AddDays(-35),
            EndedOn = today,
            PainAtStart = painAtStart,
            PainAtEnd = painAtEnd,
            Consent = new FollowUp.DataProtection.EnrolmentConsent("in_person", null, null, null),
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
