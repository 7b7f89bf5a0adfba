using System.Diagnostics;
using System.Globalization;
using Dapper;
using FollowUp.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Xunit.Abstractions;

namespace FollowUp.Tests.Hostile;

/// <summary>
/// Issue 8, fault test: thousands of hostile emails (10 000 with FOLLOWUP_HOSTILE_COUNT=10000) in the replies mailbox, with genuine replies mixed among them, read
/// by the real inbox on the real servers. Figures (histogram, times) go to the test output: see docs/reliability.md ("Fault tests").
/// </summary>
public sealed class HostileInboxTests(ITestOutputHelper output)
{
    /// <summary>
    /// How many hostile messages in CI. The issue's 10 000 is <c>FOLLOWUP_HOSTILE_COUNT=10000</c>: 10 000 take about half a
    /// minute on a quiet machine and minutes under load, beyond the suite's budget (figures in docs/reliability.md,
    /// "Fault tests").
    /// </summary>
    private const int HostileCount = 2_000;
    private const int Seed = 20261124;
    private const int MaxMessageBytes = 100_000;
    // About one in twenty goes through Postfix, so those carry real delivery headers (Return-Path, Delivered-To, Received).
    private const double SmtpShare = 0.05;

    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Thousands_of_hostile_emails_each_get_one_outcome_and_only_the_real_replies_are_stored_for_their_own_patients()
    {
        var hostile = Environment.GetEnvironmentVariable("FOLLOWUP_HOSTILE_COUNT") is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : HostileCount;
        var realCount = new Random(Seed).Next(50, 201);
        var clock = Stopwatch.StartNew();
        // The real replies' confirming check-ins would be new check_ins rows; the counts below are about what hostile
        // mail may not create, so the alerts go at once here.
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?>
        {
            ["FollowUp:Inbox:MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
            ["FollowUp:Alerts:ConfirmingCheckIn"] = "false",
        });
        var sent = await SendCheckInsAsync(clinic, realCount + 20);
        var setUp = clock.Elapsed;

        var mails = new HostileMail(Seed, clinic.Domain, clinic.Tokens, sent, MaxMessageBytes).Generate(hostile, realCount, SmtpShare);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var tablesBefore = await TablesAsync(db);
        var countsBefore = await CountsAsync(db);
        clock.Restart();
        await DeliverAsync(clinic, mails);
        var delivered = clock.Elapsed;

        clock.Restart();
        var passes = 0;
        while (await InboxCountAsync(clinic) > 0)
        {
            Assert.True(++passes <= 10, "the inbox did not empty the mailbox in 10 reads");
            // Any exception here fails the test: one bad message must never stop the mailbox.
            await clinic.Inbox.ReadAsync(default);
        }
        var read = clock.Elapsed;

        // Every message has exactly one record with an outcome, and nothing is left in INBOX.
        Assert.Equal(mails.Count, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages"));
        Assert.Equal(mails.Count, await db.ExecuteScalarAsync<int>("SELECT count(DISTINCT uid) FROM inbound_messages"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages WHERE outcome IS NULL OR outcome = ''"));
        Assert.Equal(0, await InboxCountAsync(clinic));
        var histogram = (await db.QueryAsync<(string Kind, string Outcome, int Count)>(Histogram)).ToList();
        // Each kind is recorded as often as it was sent; a message whose header block does not parse at all is stored
        // without headers (so without its case header), which only random bytes can be.
        var missing = 0;
        foreach (var kind in mails.GroupBy(m => m.Kind))
        {
            var recorded = histogram.Where(h => h.Kind == kind.Key).Sum(h => h.Count);
            Assert.True(recorded == kind.Count() || (kind.Key is "mime.garbage" or "misc.duplicate" && recorded < kind.Count()), $"{kind.Key}: {kind.Count()} sent, {recorded} recorded");
            missing += kind.Count() - recorded;
        }
        Assert.Equal(missing, histogram.Where(h => h.Kind == NoHeaders).Sum(h => h.Count));
        Assert.All(histogram.Where(h => h.Kind == NoHeaders), h => Assert.Equal("rejected", h.Outcome));

        // Every real reply is stored on its own check-in with its scores, and nothing else is stored as an answer.
        var real = mails.Where(m => m.Real is not null).Select(m => m.Real!).ToList();
        var expected = real.Select(r => (r.CheckIn.CheckInId, r.CheckIn.Email, (short?)r.Pain, (short?)r.Mood, r.MessageId.Trim('<', '>'))).OrderBy(r => r.CheckInId).ToList();
        var stored = (await db.QueryAsync<(long CheckInId, string Email, short? Pain, short? Mood, string MessageId)>(StoredReplies)).ToList();
        Assert.Equal(expected, stored);
        Assert.All((await db.QueryAsync<(string Email, string From)>(Attribution)).ToList(), a => Assert.Equal(a.Email, a.From, ignoreCase: true));
        Assert.Equal(real.Count, histogram.Where(h => h.Outcome is "answer" or "opt_out").Sum(h => h.Count));
        Assert.Equal(real.Count, histogram.Where(h => h.Kind == "real" && h.Outcome == "answer").Sum(h => h.Count));
        Assert.All(histogram.Where(h => h.Kind.StartsWith("huge.", StringComparison.Ordinal)), h => Assert.Equal("rejected", h.Outcome));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM patients WHERE opted_out_at IS NOT NULL"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins WHERE status = 'cancelled'"));

        // The database is intact: the same tables, and nothing but the inbox's own rows changed in number.
        Assert.Equal(tablesBefore, await TablesAsync(db));
        Assert.Equal(countsBefore, await CountsAsync(db));

        output.WriteLine($"hostile={hostile} real={realCount} total={mails.Count} viaSmtp={mails.Count(m => m.ViaSmtp)} reads={passes}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"set-up {setUp.TotalSeconds:F1} s, delivery {delivered.TotalSeconds:F1} s, inbox {read.TotalSeconds:F1} s ({mails.Count / read.TotalSeconds:F0} messages/s)"));
        foreach (var (outcome, count) in histogram.GroupBy(h => h.Outcome).Select(g => (g.Key, g.Sum(h => h.Count))).OrderByDescending(g => g.Item2))
            output.WriteLine($"outcome {outcome,-10} {count,6}");
        foreach (var kind in histogram.GroupBy(h => h.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
            output.WriteLine($"  {kind.Key,-30} {string.Join(", ", kind.OrderByDescending(h => h.Count).Select(h => $"{h.Outcome} {h.Count}"))}");
    }

    [Fact]
    public async Task A_message_whose_headers_do_not_parse_and_one_full_of_nul_bytes_are_recorded_and_the_reply_after_them_is_stored()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var sent = await SendCheckInsAsync(clinic, 1);
        var patient = sent.Single();
        // Found by the 10 000 run (seed 20261124, message 6284): random bytes with a line that starts with ':'; neither
        // the message nor its header block parses. Then NUL in an encoded-word, a header and the body (PostgreSQL text
        // cannot hold NUL), then the patient's genuine reply.
        byte[] unparseable = Convert.FromBase64String(
            "WC1Ib3N0aWxlLUNhc2U6IG1pbWUuZ2FyYmFnZSA2Mjg0DQo6B434x8Vg1n3ssDQIFXJFxa/zjMVjd8TQwsow9OQ5434ssMTUMm6Hgg0K1uUi+hxAJnTN8g5d79aQyCcE+jDhmbLMttxlrnCTQGwJu4ySodalig0KfxdH1CA82TMLDQpp");
        var nul = System.Text.Encoding.Latin1.GetBytes($"From: \"a\0b\" <x@outsider.test>\r\nTo: <replies+{patient.Token}@{clinic.Domain}>\r\nSubject: =?utf-8?B?AA==?= nul\0\r\n" +
                                                       "Message-ID: <n\0ul@x>\r\nX-Nul: a\0b\r\n\r\nPain:\0 5\0\r\n");
        var real = new HostileMail(Seed, clinic.Domain, clinic.Tokens, sent, MaxMessageBytes).Generate(0, 1, 0).Single();
        await RawImap.AppendAsync("127.0.0.1", TestServers.ImapPort, clinic.RepliesAddress, TestServers.MailPassword, [unparseable, nul, real.Bytes]);

        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal((3, 1), (result.Read, result.Answers));
        await using var db = await clinic.Data.OpenConnectionAsync();
        var rows = (await db.QueryAsync<(string Outcome, string Detail)>("SELECT outcome, detail FROM inbound_messages ORDER BY uid")).ToList();
        Assert.Equal("rejected", rows[0].Outcome);
        Assert.StartsWith("malformed message: Failed to parse", rows[0].Detail, StringComparison.Ordinal);
        Assert.Equal("unmatched", rows[1].Outcome);
        Assert.Equal("answer", rows[2].Outcome);
        Assert.Equal(((short?)real.Real!.Pain, (short?)real.Real.Mood), await db.QuerySingleAsync<(short?, short?)>("SELECT pain, mood_score FROM replies"));
        Assert.Equal(0, await InboxCountAsync(clinic));
    }

    [Fact]
    public async Task A_message_id_too_long_for_the_index_is_kept_cut_and_neither_it_nor_its_copy_holds_up_the_reply_after_them()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var sent = await SendCheckInsAsync(clinic, 1);
        // A 12 000-character Message-ID: PostgreSQL refuses a btree entry over about 2,700 bytes (SQLSTATE 54000), and
        // before the cut that failed every read of the mailbox at this message.
        // Random letters: PostgreSQL compresses an index entry that compresses well, so a run of one letter would fit.
        var letters = new Random(Seed);
        var longId = $"<{string.Concat(Enumerable.Range(0, 12_000).Select(_ => (char)('a' + letters.Next(26))))}@outsider.test>";
        byte[] Mail(string subject) => System.Text.Encoding.ASCII.GetBytes(
            $"From: <someone@outsider.test>\r\nTo: <{clinic.RepliesAddress}>\r\nSubject: {subject}\r\nMessage-ID: {longId}\r\n\r\nHello\r\n");
        var real = new HostileMail(Seed, clinic.Domain, clinic.Tokens, sent, MaxMessageBytes).Generate(0, 1, 0).Single();
        await RawImap.AppendAsync("127.0.0.1", TestServers.ImapPort, clinic.RepliesAddress, TestServers.MailPassword, [Mail("first"), Mail("copy"), real.Bytes]);

        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal((3, 1), (result.Read, result.Answers));
        await using var db = await clinic.Data.OpenConnectionAsync();
        var rows = (await db.QueryAsync<(string Outcome, int IdLength)>("SELECT outcome, length(message_id) FROM inbound_messages ORDER BY uid")).ToList();
        Assert.Equal([("unmatched", 900), ("duplicate", 900)], rows.Take(2));
        Assert.Equal("answer", rows[2].Outcome);
        Assert.Equal(0, await InboxCountAsync(clinic));
    }

    [Theory]
    [InlineData("22021", true)]   // invalid byte sequence: the message's text
    [InlineData("54000", true)]   // program limit, e.g. an index row too large: the message's size
    [InlineData("23514", true)]   // a check constraint: a value out of range
    [InlineData("23505", false)]  // a unique violation is a race between readers, settled by the records
    [InlineData("57P01", false)]  // the server shutting down: an outage, the read fails and is retried
    [InlineData("08006", false)]  // connection failure
    public void Only_a_database_error_about_a_value_makes_a_message_rejected_rather_than_failing_the_read(string sqlState, bool content)
    {
        var e = new Npgsql.PostgresException("refused", "ERROR", "ERROR", sqlState);

        Assert.Equal(content, FollowUp.Replies.InboxFailures.IsCausedByContent(e));
    }

    [Fact]
    public void Parse_errors_are_content_and_network_errors_are_not()
    {
        Assert.True(FollowUp.Replies.InboxFailures.IsCausedByContent(new FormatException("bad")));
        Assert.True(FollowUp.Replies.InboxFailures.IsCausedByContent(new MimeKit.ParseException("bad", 0, 0)));
        Assert.False(FollowUp.Replies.InboxFailures.IsCausedByContent(new IOException("reset")));
        Assert.False(FollowUp.Replies.InboxFailures.IsCausedByContent(new OperationCanceledException()));
    }

    private static async Task<List<SentCheckIn>> SendCheckInsAsync(Clinic clinic, int count)
    {
        for (var i = 0; i < count; i++) await clinic.EnrolAsync($"P{i}");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        var sent = 0;
        int batch;
        while ((batch = (await clinic.Dispatch.SendDueAsync(default)).Sent) > 0) sent += batch;
        Assert.Equal(count, sent);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var rows = await db.QueryAsync<(long Id, long PatientId, string Email, string MessageId)>("""
            SELECT ci.id, c.patient_id, p.email, ci.message_id
            FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
            WHERE ci.status = 'sent' ORDER BY ci.id
            """);
        return rows.Select(r => new SentCheckIn(r.Id, r.PatientId, r.Email, clinic.Tokens.Create('c', r.Id), $"<{r.MessageId.Trim('<', '>')}>")).ToList();
    }

    /// <summary>Most by IMAP APPEND (fast), a share through Postfix, both at once; then waits until INBOX holds them all.</summary>
    private static async Task DeliverAsync(Clinic clinic, List<GeneratedMail> mails)
    {
        var refused = new List<GeneratedMail>();
        var smtp = Task.Run(async () =>
        {
            await using var session = await RawSmtpSession.OpenAsync("127.0.0.1", TestServers.SmtpPort);
            foreach (var mail in mails.Where(m => m.ViaSmtp))
                if (await session.SendAsync(mail.EnvelopeFrom, mail.EnvelopeTo, mail.Bytes) is not null)
                    refused.Add(mail);
        });
        await RawImap.AppendAsync("127.0.0.1", TestServers.ImapPort, clinic.RepliesAddress, TestServers.MailPassword, mails.Where(m => !m.ViaSmtp).Select(m => m.Bytes).ToList());
        await smtp;
        // Postfix may refuse what a real MTA would refuse too; those still reach the mailbox, by APPEND.
        if (refused.Count > 0)
            await RawImap.AppendAsync("127.0.0.1", TestServers.ImapPort, clinic.RepliesAddress, TestServers.MailPassword, refused.Select(m => m.Bytes).ToList());
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        int count;
        while ((count = await InboxCountAsync(clinic)) < mails.Count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"INBOX holds {count} of {mails.Count} messages ({refused.Count} refused by Postfix).");
            await Task.Delay(200);
        }
    }

    private static async Task<int> InboxCountAsync(Clinic clinic)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", TestServers.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(clinic.RepliesAddress, TestServers.MailPassword);
        await client.Inbox.StatusAsync(StatusItems.Count);
        var count = client.Inbox.Count;
        await client.DisconnectAsync(true);
        return count;
    }

    private static async Task<List<string>> TablesAsync(System.Data.Common.DbConnection db) =>
        (await db.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")).ToList();

    private static async Task<string> CountsAsync(System.Data.Common.DbConnection db) =>
        await db.ExecuteScalarAsync<string>("""
            SELECT concat_ws(' ', 'therapists', (SELECT count(*) FROM therapists), 'patients', (SELECT count(*) FROM patients),
                             'courses', (SELECT count(*) FROM courses), 'check_ins', (SELECT count(*) FROM check_ins),
                             'sent', (SELECT count(*) FROM check_ins WHERE status IN ('sent', 'answered', 'failed')),
                             'schedules', (SELECT count(*) FROM schedules), 'reminders', (SELECT count(*) FROM reminders))
            """) ?? "";

    private const string NoHeaders = "(no headers)";

    private const string Histogram = $"""
        SELECT coalesce(substring(raw_headers FROM 'X-Hostile-Case: ([a-z0-9.-]+)'), '{NoHeaders}') AS kind, outcome, count(*)::int
        FROM inbound_messages GROUP BY 1, 2 ORDER BY 1, 3 DESC
        """;

    private const string StoredReplies = """
        SELECT r.check_in_id, p.email, r.pain, r.mood_score, i.message_id
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses c ON c.id = ci.course_id
             JOIN patients p ON p.id = c.patient_id JOIN inbound_messages i ON i.id = r.inbound_message_id
        ORDER BY r.check_in_id
        """;

    // Whoever answered for a patient: every inbound message attached to a check-in as an answer came from that patient.
    private const string Attribution = """
        SELECT p.email, i.from_address
        FROM inbound_messages i JOIN check_ins ci ON ci.id = i.check_in_id JOIN courses c ON c.id = ci.course_id
             JOIN patients p ON p.id = c.patient_id
        WHERE i.outcome IN ('answer', 'opt_out')
        """;
}
