using Dapper;
using FollowUp.Courses;
using FollowUp.Mail;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Demo;

/// <summary>
/// Plays the demo against the running worker: enrols a sample course, moves the business clock to each check-in,
/// lets the real jobs send it, answers as the patient through the real SMTP server, and reports what the worker
/// stored and which alert it emailed to whom. The patient improves during the course and worsens afterwards, as
/// the massage group did in Hasson et al. 2004.
/// </summary>
internal sealed class DemoNarrator(
    DemoClock clock,
    CourseEnrolment enrolment,
    Users.UserDirectory users,
    NpgsqlDataSource dataSource,
    IOptions<ImapOptions> imap,
    IOptions<SmtpOptions> smtp,
    IOptions<ClinicOptions> clinic,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private const string PatientEmail = "dana@patients.test";
    private const string TherapistEmail = "sam.taylor@clinic.test";
    private const string TimeZone = "Europe/London";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    // Week 1 … week 12: pain creeps back up after the course and the mood drops.
    private static readonly string[] Answers =
        // Weeks 2, 4, 8 and 12 ask the PHQ-2 as well. Dana answers it, except at week 12, where her reply leaves it out:
        // the check-in stays open and one clarification asks for it, while the alert goes on what she did write.
        ["Pain 3, mood good", "pain 3 - mood good, thanks, interest 0, down 0", "Pain 4, mood okay, interest 0, down 1", "Pain is about a 5, mood okay", "Pain 6, mood low, interest 0, down 1", "Pain 7, mood low"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WhenStartedAsync(stoppingToken);
        try
        {
            await PlayAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            Say("The demo timed out waiting for the worker; see the log lines above.");
            Environment.ExitCode = 1;
        }
        lifetime.StopApplication();
    }

    private async Task PlayAsync(CancellationToken stoppingToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Say("FollowUp demo: three months of follow-up after a massage course, on a fast-forwarded clock.");
        Say($"SMTP {smtp.Value.Host}:{smtp.Value.Port}, IMAP {imap.Value.Host}:{imap.Value.Port}, replies to {clinic.Value.ReplyAddress}.");
        var courseId = await enrolment.EnrolAsync(new Enrolment
        {
            PatientName = "Dana Example",
            PatientEmail = PatientEmail,
            TimeZone = TimeZone,
            TherapistEmail = TherapistEmail,
            TherapistName = "Sam Taylor",
            StartedOn = today.AddDays(-35),
            EndedOn = today,
            PainAtStart = 8,
            PainAtEnd = 3,
            // Dana agreed at her last session, in person: what a real enrolment records.
            Consent = new DataProtection.EnrolmentConsent("in_person", null, null, null),
        }, stoppingToken);
        Say($"Enrolled course {courseId}: Dana Example <{PatientEmail}>, {TimeZone}, therapist {TherapistEmail}; pain 8 before the course, 3 at its end.");
        // The therapist may sign in to the web face (scripts/run.sh starts it) and watch the course fill in.
        await users.AddAsync(TherapistEmail, Users.Roles.Therapist, "Sam Taylor", "demo", stoppingToken);

        var patient = new SimulatedPatient(PatientEmail, imap.Value, smtp.Value);
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        var checkIns = (await connection.QueryAsync<(long Id, int Sequence, int OffsetDays, DateTime DueAt)>(new CommandDefinition(
            "SELECT id, sequence, offset_days, due_at FROM check_ins WHERE course_id = @courseId ORDER BY sequence", new { courseId }, cancellationToken: stoppingToken))).ToList();
        Say($"Planned {checkIns.Count} check-ins, each when the send window opens (09:00 by default) in the patient's time zone.");
        foreach (var checkIn in checkIns)
        {
            var due = new DateTimeOffset(DateTime.SpecifyKind(checkIn.DueAt, DateTimeKind.Utc));
            clock.JumpTo(due.AddMinutes(1));
            Say("");
            Say($"Clock moved to {TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone):ddd d MMM yyyy HH:mm} in {TimeZone}: check-in {checkIn.Sequence} (week {checkIn.OffsetDays / 7}) is due.");
            using var step = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            step.CancelAfter(StepTimeout);
            var sent = await WaitForAsync(connection, "SELECT message_id FROM check_ins WHERE id = @id AND status IN ('sent', 'answered')", new { id = checkIn.Id }, step.Token);
            Say($"  Sent: the dispatch job emailed the check-in to {PatientEmail} (Message-ID <{sent}>).");
            var email = await patient.ReceiveAsync(sent, StepTimeout, step.Token);
            Say($"  Arrived in {PatientEmail}'s mailbox: \"{email.Subject}\"; replies go to {email.ReplyTo.Mailboxes.First().Address}.");
            clock.JumpTo(clock.GetUtcNow().AddHours(3));
            var answer = Answers[Math.Min(checkIn.Sequence, Answers.Length) - 1];
            await patient.ReplyAsync(email, answer, clock.GetUtcNow(), step.Token);
            Say($"  Dana replied from her mail client: \"{answer}\" (top-posted, the check-in quoted below).");
            var stored = await WaitForAsync(connection, """
                SELECT concat('pain ', coalesce(r.pain::text, '?'), ', mood ', coalesce(r.mood_word, r.mood_score::text, '?'))
                FROM replies r WHERE r.check_in_id = @id ORDER BY r.id DESC LIMIT 1
                """, new { id = checkIn.Id }, step.Token);
            Say($"  The inbox job read it over IMAP, matched it by its reply token and stored: {stored}.");
            var awaiting = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT array_to_string(awaiting, ', ') FROM check_ins WHERE id = @id", new { id = checkIn.Id }, cancellationToken: step.Token));
            if (awaiting is not null)
                Say($"  Not answered yet: the reply left {awaiting} unread, so the check-in stays open and one clarification email asks for it.");
            var alerts = (await connection.QueryAsync<(long Id, string Reason, string Severity)>(new CommandDefinition(
                "SELECT id, reason, severity FROM alerts WHERE course_id = @courseId AND notify_status <> 'sent'", new { courseId }, cancellationToken: step.Token))).ToList();
            foreach (var alert in alerts)
            {
                await WaitForAsync(connection, "SELECT notified_at::text FROM alerts WHERE id = @id AND notify_status = 'sent'", new { id = alert.Id }, step.Token);
                Say($"  ALERT ({alert.Severity}) emailed to the therapist {TherapistEmail}: {alert.Reason}.");
            }
        }
        Say("");
        Say("Done: the whole loop ran on the real servers. Look at the mailboxes (password: the IMAP password, 'secret' locally):");
        Say($"  the patient's:   {PatientEmail}");
        Say($"  the therapist's: {TherapistEmail}");
        Say($"  the replies box: {imap.Value.Username} (folders INBOX, Processed, Unmatched, Bounces, Auto-replies, Rejected)");
        Say($"  with any IMAP client at {imap.Value.Host}:{imap.Value.Port}, logging in with the address, or for example:");
        Say($"  mutt -e 'set ssl_starttls=no ssl_force_tls=no imap_pass=secret' -f imap://{Uri.EscapeDataString(TherapistEmail)}@{imap.Value.Host}:{imap.Value.Port}/INBOX");
    }

    private static async Task<string> WaitForAsync(NpgsqlConnection connection, string sql, object args, CancellationToken cancellationToken)
    {
        while (true)
        {
            var value = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(sql, args, cancellationToken: cancellationToken));
            if (value is not null) return value;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    private static void Say(string line) => Console.WriteLine(line.Length == 0 ? "" : $"[demo] {line}");
}
