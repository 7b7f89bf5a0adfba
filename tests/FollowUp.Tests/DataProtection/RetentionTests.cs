using Dapper;
using FollowUp.Courses;
using FollowUp.DataProtection;
using FollowUp.Outcomes;
using FollowUp.Schedules;
using FollowUp.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FollowUp.Tests.DataProtection;

/// <summary>
/// Retention on the real servers: each kind goes exactly when its period is over, counted from the business clock in
/// PostgreSQL and from the messages' own dates in the mailbox folders; what a person must still look at stays.
/// </summary>
public class RetentionTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    // Short periods so that a test can walk past each of them; their order is the defaults' order.
    internal static readonly Dictionary<string, string?> Periods = new()
    {
        ["FollowUp:Retention:RawEmails"] = "30.00:00:00",
        ["FollowUp:Retention:ReplyText"] = "60.00:00:00",
        ["FollowUp:Retention:SentEmails"] = "60.00:00:00",
        ["FollowUp:Retention:AuditDetails"] = "90.00:00:00",
        ["FollowUp:Retention:Scores"] = "120.00:00:00",
    };

    internal const string OneCheckIn = """{ "name": "once", "checkIns": [ { "days": 7 } ], "reminders": { "count": 1, "spacingDays": 3 } }""";

    [Fact]
    public async Task A_run_removes_each_kind_past_its_period_and_nothing_newer_nor_of_a_course_with_an_open_alert()
    {
        await using var clinic = await Clinic.OpenAsync(Start, Periods);
        await clinic.Schedules.SaveAsync(ScheduleFile.Parse(OneCheckIn), "test", default);
        var (ann, cal) = await FollowedUpAsync(clinic, ("Ann", "Pain 3, mood good. The stretches at home helped a lot."),
            ("Cal", "Pain 4, mood low. I keep thinking about ending my life."));
        clinic.Clock.SetUtcNow(Start + TimeSpan.FromDays(50));
        var (bea, _) = await FollowedUpAsync(clinic, ("Bea", "Pain 2, mood fine. Walking every day now."));
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE status = 'open' AND course_id = @cal", new { cal }));
        var processed = (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count;
        var retention = clinic.Services.GetRequiredService<Retention>();

        // Ann's and Cal's replies came 7 days after Start, Bea's 57: at Start + 80 days only Ann's are past 30 and 60 days.
        clinic.Clock.SetUtcNow(Start + TimeSpan.FromDays(80));
        var preview = await retention.PreviewAsync(default);
        Assert.Equal(1, preview.Kinds.Single(k => k.Kind == "RawEmails").Count);
        Assert.Equal(1, preview.Kinds.Single(k => k.Kind == "ReplyText").Count);
        Assert.Equal(0, preview.Kinds.Single(k => k.Kind == "Scores").Count);
        var run = await retention.RunAsync("test", default);

        Assert.True(run.Ran);
        Assert.Equal(preview.Kinds.Select(k => (k.Kind, k.Count)), run.Kinds.Select(k => (k.Kind, k.Count)));
        var raw = (await db.QueryAsync<(long CourseId, string Headers, string? Body, bool Purged)>("""
            SELECT ci.course_id, m.raw_headers, m.body_text, m.raw_purged_at IS NOT NULL
            FROM inbound_messages m JOIN check_ins ci ON ci.id = m.check_in_id
            """)).ToDictionary(r => r.CourseId);
        Assert.True(raw[ann].Purged);
        Assert.Equal("", raw[ann].Headers);
        Assert.Null(raw[ann].Body);
        Assert.Contains("Walking every day", raw[bea].Body, StringComparison.Ordinal);
        Assert.Contains("ending my life", raw[cal].Body, StringComparison.Ordinal);
        var text = (await db.QueryAsync<(long CourseId, string Text, int? Pain)>("""
            SELECT ci.course_id, r.answer_text, r.pain FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id
            """)).ToDictionary(r => r.CourseId);
        Assert.Equal("", text[ann].Text);
        Assert.Equal(3, text[ann].Pain);
        Assert.Contains("Walking every day", text[bea].Text, StringComparison.Ordinal);
        Assert.Contains("ending my life", text[cal].Text, StringComparison.Ordinal);
        // The reminders of Ann's check-in (due 10 days after Start) are past 60 days; Bea's are not, Cal's are protected.
        var reminders = (await db.QueryAsync<long>("SELECT ci.course_id FROM reminders rm JOIN check_ins ci ON ci.id = rm.check_in_id")).ToList();
        Assert.DoesNotContain(ann, reminders);
        Assert.Contains(bea, reminders);
        Assert.Contains(cal, reminders);
        // The mailbox's messages arrived today by the wall clock: none is 30 days old.
        Assert.Equal(processed, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count);

        // A second run finds nothing left: nothing is removed twice.
        var again = await retention.RunAsync("test", default);
        Assert.All(again.Kinds.Where(k => k.Kind != "AuditDetails"), k => Assert.Equal(0, k.Count));
        Assert.Equal(["RawEmails", "ReplyText", "SentEmails"],
            await db.QueryAsync<string>("SELECT detail->>'kind' FROM audit_log WHERE kind = 'retention.removed' ORDER BY id"));
    }

    [Fact]
    public async Task Scores_past_their_period_leave_the_course_but_keep_its_outcome_in_the_report()
    {
        await using var clinic = await Clinic.OpenAsync(Start, Periods);
        await clinic.Schedules.SaveAsync(ScheduleFile.Parse(OneCheckIn), "test", default);
        var (ann, cal) = await FollowedUpAsync(clinic, ("Ann", "Pain 3, mood good."), ("Cal", "Pain 4, mood low. I keep thinking about ending my life."));
        clinic.Clock.SetUtcNow(Start + TimeSpan.FromDays(50));
        var (bea, _) = await FollowedUpAsync(clinic, ("Bea", "Pain 2, mood fine."));
        var outcomes = clinic.Services.GetRequiredService<OutcomeQuery>();
        var before = await outcomes.SummariseAsync(new OutcomeFilter(), default);

        // Ann's course last heard of 7 days after Start: past 120 days at Start + 130; Bea's (57) is not, Cal's has an open alert.
        clinic.Clock.SetUtcNow(Start + TimeSpan.FromDays(130));
        var run = await clinic.Services.GetRequiredService<Retention>().RunAsync("test", default);

        Assert.Equal(1, run.Kinds.Single(k => k.Kind == "Scores").Count);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var courses = (await db.QueryAsync<(long Id, int? Start, int? End, bool Purged)>(
            "SELECT id, pain_at_start, pain_at_end, scores_purged_at IS NOT NULL FROM courses")).ToDictionary(c => c.Id);
        Assert.Equal((ann, (int?)null, (int?)null, true), courses[ann]);
        Assert.Equal((bea, (int?)8, (int?)3, false), courses[bea]);
        Assert.False(courses[cal].Purged);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id WHERE ci.course_id = @ann", new { ann }));
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        var archived = await db.QuerySingleAsync<(DateTime Month, int Start, int? End, string FollowUps)>(
            "SELECT ended_month, pain_at_start, pain_at_end, follow_ups::text FROM outcome_archive");
        Assert.Equal((new DateTime(2026, 6, 1), 8, (int?)3), (archived.Month, archived.Start, archived.End));
        Assert.Contains("\"pain\": 3", archived.FollowUps, StringComparison.Ordinal);
        // Audit details past 90 days (before Start + 40) are redacted, rows kept, the redaction itself a row; Bea's are
        // newer, and Cal's course has an open alert.
        var audit = (await db.QueryAsync<(DateTime At, long? CourseId, string Kind, bool Redacted, string Detail)>(
            "SELECT at, course_id, kind, redacted_at IS NOT NULL, detail::text FROM audit_log WHERE kind NOT IN ('audit.redacted', 'retention.removed')")).ToList();
        var cutoff = (Start + TimeSpan.FromDays(40)).UtcDateTime;
        Assert.Contains(audit, a => a.CourseId == ann && a.Redacted);
        Assert.All(audit.Where(a => a.At < cutoff && a.CourseId != cal && a.Detail != "{}"), a => Assert.True(a.Redacted, $"{a.Kind} at {a.At:O} kept {a.Detail}"));
        Assert.All(audit.Where(a => a.Redacted), a => Assert.StartsWith("{\"redacted\": \"past the retention of audit details\"", a.Detail, StringComparison.Ordinal));
        Assert.All(audit.Where(a => a.At >= cutoff || a.CourseId == cal), a => Assert.False(a.Redacted, $"{a.Kind} at {a.At:O}"));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'audit.redacted'"));
        var after = await outcomes.SummariseAsync(new OutcomeFilter(), default);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(before), System.Text.Json.JsonSerializer.Serialize(after));
        // Ann's (archived) and Cal's courses ended in June, Bea's in July.
        Assert.Equal(2, (await outcomes.SummariseAsync(new OutcomeFilter(EndedFrom: new DateOnly(2026, 6, 1), EndedTo: new DateOnly(2026, 6, 30)), default)).Courses);
    }

    [Fact]
    public async Task The_mailbox_loses_exactly_the_processed_messages_older_than_the_period_never_the_inbox_nor_what_an_open_alert_needs()
    {
        // The folders' dates are the messages' own (the wall clock when they arrived), so this clinic lives now.
        var now = DateTimeOffset.UtcNow;
        await using var clinic = await Clinic.OpenAsync(now, Periods);
        // Self-harm wording from a stranger, delivered 40 days ago while no worker read the mailbox: read now, it is an
        // open crisis alert for the lead, and its message goes to Unmatched with its delivery date.
        var stranger = new MimeMessage();
        stranger.From.Add(MailboxAddress.Parse(clinic.Address("stranger")));
        stranger.To.Add(MailboxAddress.Parse(clinic.RepliesAddress));
        stranger.Subject = "hello";
        stranger.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(clinic.Domain);
        stranger.Body = new TextPart("plain") { Text = "I want to kill myself." };
        await AppendAsync(clinic, "INBOX", now.AddDays(-40), stranger);
        await clinic.Inbox.ReadAsync(default);
        var mailbox = new Mailbox(clinic.RepliesAddress);
        Assert.Single(await mailbox.MessagesAsync("Unmatched"));
        // Mail the inbox filed long ago (two 40 days old, one 10), a bounce 31 days old, and an old message never read.
        await AppendAsync(clinic, "Processed", now.AddDays(-40), Message(clinic, "old-1"));
        await AppendAsync(clinic, "Processed", now.AddDays(-40), Message(clinic, "old-2"));
        await AppendAsync(clinic, "Processed", now.AddDays(-10), Message(clinic, "recent"));
        await AppendAsync(clinic, "Bounces", now.AddDays(-31), Message(clinic, "old-bounce"));
        await AppendAsync(clinic, "INBOX", now.AddDays(-40), Message(clinic, "unread"));
        var retention = clinic.Services.GetRequiredService<Retention>();

        var preview = await retention.PreviewAsync(default);
        var run = await retention.RunAsync("test", default);

        Assert.Equal(new Dictionary<string, long> { ["Processed"] = 2, ["Unmatched"] = 0, ["Bounces"] = 1, ["Auto-replies"] = 0, ["Rejected"] = 0 },
            preview.Folders.ToDictionary(f => f.Folder, f => f.Count));
        Assert.Equal(preview.Folders, run.Folders);
        Assert.Null(run.MailboxProblem);
        Assert.Equal(["recent"], (await mailbox.MessagesAsync("Processed")).Select(m => m.Subject));
        Assert.Empty(await mailbox.MessagesAsync("Bounces"));
        Assert.Equal(["hello"], (await mailbox.MessagesAsync("Unmatched")).Select(m => m.Subject));
        Assert.Equal(["unread"], (await mailbox.MessagesAsync("INBOX")).Select(m => m.Subject));
        Assert.All((await retention.RunAsync("test", default)).Folders, f => Assert.Equal(0, f.Count));
    }

    [Fact]
    public async Task Runs_while_the_worker_sends_and_reads_remove_only_the_old_and_lose_none_of_the_new()
    {
        // Business days end yesterday at 10:00 (inside the send window whenever the test runs); the mailbox's dates are
        // the wall clock's, so the new replies arrive today and the old mail is appended 40 days back.
        var yesterday = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1).AddHours(10), TimeSpan.Zero);
        await using var clinic = await Clinic.OpenAsync(yesterday.AddDays(-50), Periods);
        await clinic.Schedules.SaveAsync(ScheduleFile.Parse(OneCheckIn), "test", default);
        var (ann, _) = await FollowedUpAsync(clinic, ("Ann", "Pain 3, mood good."));
        await AppendAsync(clinic, "Processed", DateTimeOffset.UtcNow.AddDays(-40), Message(clinic, "old-1"));
        await AppendAsync(clinic, "Processed", DateTimeOffset.UtcNow.AddDays(-40), Message(clinic, "old-2"));
        var answered = (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Single(m => m.Subject?.StartsWith("Re:", StringComparison.Ordinal) == true);
        clinic.Clock.SetUtcNow(yesterday.AddDays(-7));
        var patients = Enumerable.Range(1, 6).Select(i => ($"Pat{i}", $"Pain {i}, mood fine. Day {i} of walking.")).ToArray();
        var retention = clinic.Services.GetRequiredService<Retention>();
        using var flowDone = new CancellationTokenSource();

        var sweeps = Task.Run(async () =>
        {
            var runs = 0;
            while (!flowDone.IsCancellationRequested || runs == 0)
            {
                if ((await retention.RunAsync("test", default)).Ran) runs++;
            }
            return runs;
        });
        try
        {
            await FollowedUpAsync(clinic, patients);
        }
        finally
        {
            await flowDone.CancelAsync();
        }
        Assert.True(await sweeps > 0);
        await retention.RunAsync("test", default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var rows = (await db.QueryAsync<(long CourseId, string Text, string? Body, bool Purged)>("""
            SELECT ci.course_id, r.answer_text, m.body_text, m.raw_purged_at IS NOT NULL
            FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id JOIN inbound_messages m ON m.id = r.inbound_message_id
            """)).ToList();
        Assert.True(rows.Single(r => r.CourseId == ann).Purged);
        var fresh = rows.Where(r => r.CourseId != ann).ToList();
        Assert.Equal(patients.Length, fresh.Count);
        Assert.All(fresh, r => Assert.False(r.Purged));
        Assert.Equal(patients.Select(p => p.Item2).Order(), fresh.Select(r => r.Text.Trim()).Order());
        Assert.All(fresh, r => Assert.Contains("of walking", r.Body, StringComparison.Ordinal));
        // Ann's reply and the new ones are in Processed (all arrived today by the wall clock); the two old messages are gone.
        var processed = (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Select(m => m.Subject).ToList();
        Assert.Equal(patients.Length + 1, processed.Count);
        Assert.DoesNotContain("old-1", processed);
        Assert.DoesNotContain("old-2", processed);
        Assert.Contains(answered.Subject, processed);
        Assert.Empty(await new Mailbox(clinic.RepliesAddress).MessagesAsync());
    }

    [Fact]
    public async Task A_second_run_while_one_holds_the_lock_removes_nothing()
    {
        await using var clinic = await Clinic.OpenAsync(Start, Periods);
        await clinic.Schedules.SaveAsync(ScheduleFile.Parse(OneCheckIn), "test", default);
        await FollowedUpAsync(clinic, ("Ann", "Pain 3, mood good."));
        clinic.Clock.SetUtcNow(Start + TimeSpan.FromDays(80));
        await using var other = await clinic.Data.OpenConnectionAsync();
        Assert.True(await other.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(hashtext('followup.retention'))"));

        var run = await clinic.Services.GetRequiredService<Retention>().RunAsync("test", default);

        Assert.False(run.Ran);
        Assert.Equal(0, await other.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages WHERE raw_purged_at IS NOT NULL"));
        await other.ExecuteAsync("SELECT pg_advisory_unlock(hashtext('followup.retention'))");
        Assert.True((await clinic.Services.GetRequiredService<Retention>().RunAsync("test", default)).Ran);
        Assert.Equal(1, await other.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages WHERE raw_purged_at IS NOT NULL"));
    }

    /// <summary>
    /// Enrols a course per patient ending today on the one-check-in schedule, sends the check-ins a week later and reads
    /// each patient's reply; returns the first two course ids.
    /// </summary>
    internal static async Task<(long, long)> FollowedUpAsync(Clinic clinic, params (string Patient, string Reply)[] patients)
    {
        var today = DateOnly.FromDateTime(clinic.Clock.GetUtcNow().UtcDateTime);
        var courses = new List<long>();
        foreach (var (patient, _) in patients)
            courses.Add(await clinic.Enrolment.EnrolAsync(new Enrolment
            {
                PatientName = patient,
                PatientEmail = clinic.Address(patient.ToLowerInvariant()),
                TimeZone = "Europe/London",
                TherapistEmail = clinic.Address("therapist"),
                TherapistName = "Sam Taylor",
                StartedOn = today.AddDays(-35),
                EndedOn = today,
                PainAtStart = 8,
                PainAtEnd = 3,
                Schedule = "once",
            }, default));
        clinic.Clock.SetUtcNow(new DateTimeOffset(clinic.Clock.GetUtcNow().UtcDateTime.Date.AddDays(7).AddHours(10), TimeSpan.Zero));
        Assert.Equal(patients.Length, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        foreach (var (patient, reply) in patients)
        {
            var checkIn = (await new Mailbox(clinic.Address(patient.ToLowerInvariant())).WaitForAsync(1)).Single();
            await Clinic.SendAsync(Clinic.ReplyTo(checkIn, clinic.Address(patient.ToLowerInvariant()), "Re: " + checkIn.Subject, reply));
        }
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(patients.Length);
        Assert.Equal(patients.Length, (await clinic.Inbox.ReadAsync(default)).Answers);
        return (courses[0], courses.Count > 1 ? courses[1] : 0);
    }

    private static MimeMessage Message(Clinic clinic, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(clinic.Address("someone")));
        message.To.Add(MailboxAddress.Parse(clinic.RepliesAddress));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Pain 5." };
        return message;
    }

    /// <summary>Puts a message in a folder as if it had been delivered at <paramref name="delivered"/> (its IMAP internal date).</summary>
    private static async Task AppendAsync(Clinic clinic, string folder, DateTimeOffset delivered, MimeMessage message)
    {
        message.Date = delivered;
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", TestServers.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(clinic.RepliesAddress, TestServers.MailPassword);
        var target = folder == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder);
        await target.AppendAsync(new AppendRequest(message, folder == "INBOX" ? MessageFlags.None : MessageFlags.Seen, delivered));
        await client.DisconnectAsync(true);
    }
}
