using Dapper;
using FollowUp.Tests.Support;
using FollowUp.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FollowUp.Tests.Replies;

/// <summary>The inbox on the real servers: bounces, clarification, restarts, concurrent readers, hostile mail.</summary>
public class InboxTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_check_in_to_the_bouncing_domain_comes_back_as_a_hard_bounce_and_the_patient_is_marked_unreachable()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await EnrolAtAsync(clinic, "Ivy", "ivy@bounce.test");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);

        await clinic.Inbox.ReadAsync(default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var inbound = await db.QuerySingleAsync<(string Outcome, string Detail, long? CheckInId)>("SELECT outcome, detail, check_in_id FROM inbound_messages");
        Assert.Equal("bounce", inbound.Outcome);
        Assert.StartsWith("delivery report: action failed 5.", inbound.Detail, StringComparison.Ordinal);
        Assert.NotNull(inbound.CheckInId);
        Assert.Equal("failed", await db.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE id = @id", new { id = inbound.CheckInId }));
        Assert.NotNull(await db.ExecuteScalarAsync<DateTime?>("SELECT undeliverable_at FROM patients"));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE kind = 'unreachable'"));
        Assert.Single(await new Mailbox(clinic.RepliesAddress).MessagesAsync("Bounces"));
    }

    [Fact]
    public async Task A_delayed_delivery_is_recorded_as_soft_and_suppresses_only_at_the_threshold()
    {
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?> { ["FollowUp:Inbox:SoftBounceLimit"] = "2" });
        await EnrolAtAsync(clinic, "Jo", "jo@defer.test");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var replies = new Mailbox(clinic.RepliesAddress);
        // The test server sends a "delayed" report after 1-2 s and the final failure after ~10 s.
        await replies.WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var first = await db.QuerySingleAsync<(string Detail, int SoftBounces, DateTime? Undeliverable)>(
            "SELECT i.detail, p.soft_bounces, p.undeliverable_at FROM inbound_messages i, patients p");
        Assert.StartsWith("delivery report: action delayed 4.", first.Detail, StringComparison.Ordinal);
        Assert.Equal(1, first.SoftBounces);
        Assert.Null(first.Undeliverable);

        await replies.WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);

        Assert.Equal(["delayed", "failed"], (await db.QueryAsync<string>("SELECT split_part(detail, ' ', 4) FROM inbound_messages ORDER BY id")).ToList());
        Assert.NotNull(await db.ExecuteScalarAsync<DateTime?>("SELECT undeliverable_at FROM patients"));
    }

    [Fact]
    public async Task Delayed_reports_reaching_the_threshold_suppress_the_address()
    {
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?> { ["FollowUp:Inbox:SoftBounceLimit"] = "2" });
        await clinic.EnrolAsync("Kai");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(clinic.Address("kai")).WaitForAsync(1)).Single();
        var sample = Corpus.Get("dsn-delayed.eml");
        for (var i = 0; i < 2; i++)
        {
            var bytes = Corpus.Fill(sample, new SampleValues(clinic.Address("kai"), "Kai", "", clinic.RepliesAddress, $"checkins@{clinic.Domain}", checkIn.MessageId!, "", clinic.Domain));
            var message = Corpus.Parse(bytes);
            message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
            using var stream = new MemoryStream();
            await message.WriteToAsync(stream);
            await RawSmtp.SendAsync("127.0.0.1", TestServers.SmtpPort, "", clinic.RepliesAddress, stream.ToArray());
        }
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(2);

        await clinic.Inbox.ReadAsync(default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var patient = await db.QuerySingleAsync<(int SoftBounces, string? Reason)>("SELECT soft_bounces, undeliverable_reason FROM patients");
        Assert.Equal(2, patient.SoftBounces);
        Assert.StartsWith("2 delayed delivery reports in a row", patient.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unclear_reply_gets_one_polite_clarification_and_never_a_second()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Lou");
        var lou = new SimulatedPatient(clinic.Address("lou"), clinic.Imap, Clinic.Smtp);
        var mailbox = new Mailbox(lou.Address);
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await mailbox.WaitForAsync(1)).Single();

        await lou.ReplyAsync(checkIn, "Not sure what to say really.", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        var clarification = (await mailbox.WaitForAsync(2))[1];
        Assert.Equal("auto-replied", clarification.Headers["Auto-Submitted"]);
        Assert.Equal(checkIn.ReplyTo.Mailboxes.Single().Address, clarification.ReplyTo.Mailboxes.Single().Address);
        Assert.Contains("We could not quite read your answer", clarification.TextBody, StringComparison.Ordinal);

        // Still unclear, answering the clarification itself: stored, but no second email.
        await lou.ReplyAsync(clarification, "Same as before.", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        // Then a clear one: it completes the same check-in.
        await lou.ReplyAsync(clarification, "Pain 2, mood good", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var reply = await db.QuerySingleAsync<(short? Pain, string? MoodWord, string AnswerStatus)>("SELECT pain, mood_word, answer_status FROM replies");
        Assert.Equal(((short?)2, "good", "complete"), reply);
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'reply.updated'"));
        Assert.Equal(2, (await mailbox.MessagesAsync()).Count);
    }

    [Fact]
    public async Task A_restart_half_way_through_a_mailbox_processes_every_message_exactly_once()
    {
        var stopAfter = new StopAfter(4);
        // Chunks of two: a chunk commits whole or not at all, so "half-way" is after the second chunk, with the third under way.
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?> { ["FollowUp:Inbox:BatchSize"] = "2" },
            configure: s => s.AddLogging(l => l.AddProvider(stopAfter).SetMinimumLevel(LogLevel.Information)));
        const int patients = 10;
        var checkIns = await SendCheckInsAsync(clinic, patients);
        foreach (var (patient, checkIn) in checkIns)
            await new SimulatedPatient(patient, clinic.Imap, Clinic.Smtp).ReplyAsync(checkIn, "Pain 5, mood okay", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(patients);

        // The first run dies (as a killed worker would) once four messages are recorded.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => clinic.Inbox.ReadAsync(stopAfter.Token));
        await using var db = await clinic.Data.OpenConnectionAsync();
        var recordedBeforeRestart = await db.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages");
        Assert.InRange(recordedBeforeRestart, 4, patients - 1);
        await clinic.Inbox.ReadAsync(default);

        Assert.Equal(patients, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages"));
        Assert.Equal(patients, await db.ExecuteScalarAsync<int>("SELECT count(DISTINCT message_id) FROM inbound_messages WHERE outcome = 'answer'"));
        Assert.Equal(patients, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies WHERE pain = 5"));
        Assert.Equal(patients, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count);
        Assert.Empty(await new Mailbox(clinic.RepliesAddress).MessagesAsync());
    }

    [Fact]
    public async Task Two_readers_at_once_store_each_message_once()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        const int patients = 8;
        foreach (var (patient, checkIn) in await SendCheckInsAsync(clinic, patients))
            await new SimulatedPatient(patient, clinic.Imap, Clinic.Smtp).ReplyAsync(checkIn, "Pain 4, mood good", clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(patients);

        await Task.WhenAll(clinic.Inbox.ReadAsync(default), clinic.Inbox.ReadAsync(default));

        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(patients, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        Assert.Equal(patients, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages"));
        Assert.Equal(patients, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count);
    }

    [Fact]
    public async Task A_long_running_reader_idles_and_picks_up_a_reply_that_arrives_while_it_waits()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (patient, checkIn) = (await SendCheckInsAsync(clinic, 1)).Single();
        using var stop = new CancellationTokenSource();
        var running = clinic.Inbox.RunAsync(TimeSpan.FromMinutes(5), stop.Token);

        await new SimulatedPatient(patient, clinic.Imap, Clinic.Smtp).ReplyAsync(checkIn, "Pain 2, mood good", clinic.Clock.GetUtcNow(), default);

        // Stored and moved by the run that was already waiting (a deadline, not a timing assertion).
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1, "Processed");
        Assert.False(running.IsCompleted, running.Exception?.ToString());
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(2, await db.ExecuteScalarAsync<short>("SELECT pain FROM replies"));
    }

    [Fact]
    public async Task Huge_messages_and_thousands_of_attachments_are_recorded_as_rejected_and_the_mailbox_moves_on()
    {
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?> { ["FollowUp:Inbox:MaxMessageBytes"] = "1000000" });
        await clinic.EnrolAsync("Max");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(clinic.Address("max")).WaitForAsync(1)).Single();
        var replyTo = checkIn.ReplyTo.Mailboxes.Single().Address;

        var huge = Reply(clinic, replyTo, checkIn, "huge");
        huge.Body = new TextPart("plain") { Text = "Pain 9\n" + new string('x', 1_500_000) };
        var many = Reply(clinic, replyTo, checkIn, "many");
        var multipart = new Multipart("mixed") { new TextPart("plain") { Text = "Pain 9" } };
        for (var i = 0; i < 3000; i++) multipart.Add(new MimePart("application", "octet-stream") { FileName = $"a{i}.bin", Content = new MimeContent(new MemoryStream([1])) });
        many.Body = multipart;
        var fine = Reply(clinic, replyTo, checkIn, "fine");
        fine.Body = new TextPart("plain") { Text = "Pain 3, mood good" };
        foreach (var message in (MimeMessage[])[huge, many, fine])
        {
            using var smtp = new MailKit.Net.Smtp.SmtpClient();
            await smtp.ConnectAsync("127.0.0.1", TestServers.SmtpPort, MailKit.Security.SecureSocketOptions.None);
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(true);
        }
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(3);

        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal((3, 1), (result.Read, result.Answers));
        await using var db = await clinic.Data.OpenConnectionAsync();
        var rows = (await db.QueryAsync<(string Subject, string Outcome, string Detail)>("SELECT subject, outcome, detail FROM inbound_messages ORDER BY subject")).ToList();
        Assert.Equal(("fine", "answer"), (rows[0].Subject, rows[0].Outcome));
        Assert.Equal(("huge", "rejected"), (rows[1].Subject, rows[1].Outcome));
        Assert.Contains("larger than the limit", rows[1].Detail, StringComparison.Ordinal);
        Assert.Equal(("many", "rejected"), (rows[2].Subject, rows[2].Outcome));
        Assert.Equal("more than 100 MIME parts", rows[2].Detail);
        Assert.Equal(3, await db.ExecuteScalarAsync<short>("SELECT pain FROM replies"));
        Assert.Equal(2, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Rejected")).Count);
    }

    private static MimeMessage Reply(Clinic clinic, string replyTo, MimeMessage checkIn, string subject)
    {
        var message = new MimeMessage { Subject = subject, InReplyTo = checkIn.MessageId };
        message.From.Add(MailboxAddress.Parse(clinic.Address("max")));
        message.To.Add(MailboxAddress.Parse(replyTo));
        return message;
    }

    [Fact]
    public async Task A_chunk_with_one_message_the_database_refuses_stores_every_other_message_exactly_once()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        const int patients = 5;
        var checkIns = await SendCheckInsAsync(clinic, patients);
        await using var db = await clinic.Data.OpenConnectionAsync();
        // The database refuses one reply's text (SQLSTATE 23514), as it would a value some future limit forbids.
        await db.ExecuteAsync("ALTER TABLE replies ADD CONSTRAINT no_rhubarb CHECK (answer_text NOT LIKE '%rhubarb%')");
        for (var i = 0; i < patients; i++)
        {
            var (patient, checkIn) = checkIns[i];
            await new SimulatedPatient(patient, clinic.Imap, Clinic.Smtp).ReplyAsync(checkIn, i == 2 ? "Pain 4, mood okay, ate rhubarb" : $"Pain {i}, mood good", clinic.Clock.GetUtcNow(), default);
        }
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(patients);

        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal((patients, patients - 1), (result.Read, result.Answers));
        // Told apart by what they say, not by UID: Postfix may deliver the five in another order than they were sent.
        var records = (await db.QueryAsync<(string Outcome, string Detail, bool Refused)>("SELECT outcome, detail, position(@refused in from_address) > 0 FROM inbound_messages",
            new { refused = checkIns[2].Item1 })).ToList();
        Assert.Equal(patients, records.Count);
        var refused = Assert.Single(records, r => r.Refused);
        Assert.Equal("rejected", refused.Outcome);
        Assert.Contains("23514", refused.Detail, StringComparison.Ordinal);
        Assert.All(records.Where(r => !r.Refused), r => Assert.Equal("answer", r.Outcome));
        Assert.Equal(patients - 1, await db.ExecuteScalarAsync<int>("SELECT count(DISTINCT check_in_id) FROM replies WHERE answer_text NOT LIKE '%rhubarb%'"));
        Assert.Equal(patients - 1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        Assert.Equal(patients - 1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'reply.stored'"));
        Assert.Equal(patients, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind LIKE 'inbound.%'"));
        Assert.Equal(patients - 1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'answered'"));
        Assert.Equal(patients - 1, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count);
        Assert.Single(await new Mailbox(clinic.RepliesAddress).MessagesAsync("Rejected"));
        Assert.Empty(await new Mailbox(clinic.RepliesAddress).MessagesAsync());
    }

    [Fact]
    public async Task A_chunk_read_at_once_ends_as_its_messages_read_one_after_another_would()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var checkIns = await SendCheckInsAsync(clinic, 4);
        var replies = new Mailbox(clinic.RepliesAddress);
        var delivered = 0;
        async Task<MimeMessage> ReplyAsync(int patient, string text)
        {
            await new SimulatedPatient(checkIns[patient].Patient, clinic.Imap, Clinic.Smtp).ReplyAsync(checkIns[patient].CheckIn, text, clinic.Clock.GetUtcNow(), default);
            // One at a time, so the mailbox holds them in the order they were written.
            return (await replies.WaitForAsync(++delivered))[^1];
        }
        await ReplyAsync(0, "Pain 4, mood good");
        var copied = await ReplyAsync(1, "Pain 2, mood good");
        await ReplyAsync(0, "Sorry, pain 6 actually");
        using (var bytes = new MemoryStream())
        {
            // The same email again (a client that sent it twice): same Message-ID, another UID.
            foreach (var trace in new[] { "Delivered-To", "Return-Path", "Received", "X-Original-To" }) copied.Headers.RemoveAll(trace);
            await copied.WriteToAsync(bytes);
            await RawSmtp.SendAsync("127.0.0.1", TestServers.SmtpPort, checkIns[1].Patient, clinic.RepliesAddress, bytes.ToArray());
            await replies.WaitForAsync(++delivered);
        }
        await ReplyAsync(2, "STOP");
        await ReplyAsync(3, "Pain 3, mood okay");

        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal((6, 4), (result.Read, result.Answers));
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(["answer", "answer", "answer", "duplicate", "opt_out", "answer"],
            (await db.QueryAsync<string>("SELECT outcome FROM inbound_messages ORDER BY uid")).ToList());
        var stored = (await db.QueryAsync<(string Patient, int? Pain)>("""
            SELECT p.email, r.pain FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses c ON c.id = ci.course_id
            JOIN patients p ON p.id = c.patient_id ORDER BY p.email
            """)).ToList();
        Assert.Equal([(checkIns[0].Patient, 6), (checkIns[1].Patient, 2), (checkIns[3].Patient, 3)], stored);
        // Every audit row once (messages recorded together write theirs in one round trip, the records before the replies).
        Assert.Equal(["inbound.answer", "inbound.answer", "inbound.answer", "inbound.answer", "inbound.duplicate", "inbound.opt_out", "reply.stored", "reply.stored", "reply.stored", "reply.updated"],
            (await db.QueryAsync<string>("SELECT kind FROM audit_log WHERE kind LIKE 'inbound.%' OR kind LIKE 'reply.%' ORDER BY kind")).ToList());
        Assert.Equal(3, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'answered'"));
        Assert.Equal(6, (await replies.MessagesAsync("Processed")).Count);
        Assert.Empty(await replies.MessagesAsync());
    }

    [Fact]
    public async Task A_clinic_phrase_and_a_built_in_phrase_in_each_language_flag_the_reply_and_raise_the_crisis_alert()
    {
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?> { ["FollowUp:Alerts:SelfHarmPhrases:0"] = "rather not be around" });
        string[] replies =
        [
            "Pain 3, mood low. Some days I'd rather not be around.",
            "Pain 3, mood low. Honestly, I want to die some days.",
            "Schmerz 3, Stimmung schlecht. Ich will nicht mehr leben.",
            "Douleur 3, humeur basse. J'ai envie d'en finir.",
            "Dolor 3, ánimo bajo. No quiero vivir así.",
            "Pain 3, mood good.",
        ];
        var checkIns = await SendCheckInsAsync(clinic, replies.Length);
        for (var i = 0; i < replies.Length; i++)
            await new SimulatedPatient(checkIns[i].Patient, clinic.Imap, Clinic.Smtp).ReplyAsync(checkIns[i].CheckIn, replies[i], clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(replies.Length);

        await clinic.Inbox.ReadAsync(default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var flagged = (await db.QueryAsync<(string Email, bool Inbound, bool Reply, bool Alert)>("""
            SELECT p.email, i.crisis_flag, r.crisis_flag, EXISTS (SELECT 1 FROM alerts a WHERE a.course_id = co.id AND a.kind = 'crisis')
            FROM inbound_messages i JOIN check_ins c ON c.id = i.check_in_id JOIN courses co ON co.id = c.course_id
            JOIN patients p ON p.id = co.patient_id JOIN replies r ON r.inbound_message_id = i.id
            ORDER BY p.email
            """)).ToList();
        Assert.Equal(replies.Length, flagged.Count);
        for (var i = 0; i < replies.Length; i++)
        {
            var expected = i < replies.Length - 1;
            Assert.Equal((clinic.Address($"r{i}"), expected, expected, expected), flagged.Single(f => f.Email == clinic.Address($"r{i}")));
        }
    }

    private static async Task<List<(string Patient, MimeMessage CheckIn)>> SendCheckInsAsync(Clinic clinic, int count)
    {
        for (var i = 0; i < count; i++) await clinic.EnrolAsync($"R{i}");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        Assert.Equal(count, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var result = new List<(string, MimeMessage)>();
        for (var i = 0; i < count; i++)
        {
            var address = clinic.Address($"r{i}");
            result.Add((address, (await new Mailbox(address).WaitForAsync(1)).Single()));
        }
        return result;
    }

    private static Task<long> EnrolAtAsync(Clinic clinic, string name, string email)
    {
        var today = DateOnly.FromDateTime(clinic.Clock.GetUtcNow().UtcDateTime);
        return clinic.Enrolment.EnrolAsync(new FollowUp.Courses.Enrolment
        {
            PatientName = name, PatientEmail = email, TimeZone = "Europe/London", TherapistEmail = clinic.Address("therapist"),
            StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = 7, PainAtEnd = 2,
        }, default);
    }

    /// <summary>Cancels its token once the inbox has recorded <paramref name="messages"/> messages (log event 301): a crash at a known point.</summary>
    private sealed class StopAfter(int messages) : ILoggerProvider, ILogger
    {
        private readonly CancellationTokenSource _cts = new();
        private int _recorded;

        public CancellationToken Token => _cts.Token;
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 301 && Interlocked.Increment(ref _recorded) == messages) _cts.Cancel();
        }

        public void Dispose() => _cts.Dispose();
    }
}
