using System.Globalization;
using Dapper;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Replies;

/// <summary>
/// Every corpus sample through the real path: a real check-in is sent to a patient of its own, the sample is filled
/// in with that check-in's token and Message-ID, sent byte-for-byte into the real SMTP server, read over IMAP by the
/// Inbox, and its stored outcome, answer and IMAP folder are compared with the table (samples.json).
/// </summary>
public class CorpusDeliveryTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_sample_sent_through_the_real_servers_ends_up_as_its_table_says()
    {
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?> { ["FollowUp:Dispatch:BatchSize"] = "500" });
        var samples = Corpus.All;
        for (var i = 0; i < samples.Count; i++) await clinic.EnrolAsync(PatientName(i));
        await clinic.EnrolAsync("Other");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(samples.Count + 1, (await clinic.Dispatch.SendDueAsync(default)).Sent);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var checkIns = (await db.QueryAsync<(long Id, string Email, string MessageId)>("""
            SELECT ci.id, p.email, ci.message_id FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
            WHERE ci.status = 'sent'
            """)).ToDictionary(r => r.Email, r => (r.Id, r.MessageId));
        string ReplyTo(string email) => $"replies+{clinic.Tokens.Create('c', checkIns[email].Id)}@{clinic.Domain}";
        var other = clinic.Address("other");

        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            var patient = clinic.Address(PatientName(i).ToLowerInvariant());
            var values = new SampleValues(patient, PatientName(i), ReplyTo(patient), clinic.RepliesAddress, $"checkins@{clinic.Domain}",
                checkIns[patient].MessageId, ReplyTo(other), clinic.Domain);
            var envelopeFrom = sample.EnvelopeFrom switch
            {
                "<>" => "",
                "stranger" => $"someone.else@{clinic.Domain}",
                "clinic" => $"checkins@{clinic.Domain}",
                "helpdesk" => $"helpdesk@{clinic.Domain}",
                _ => patient,
            };
            var recipient = sample.EnvelopeTo switch
            {
                "replies" => clinic.RepliesAddress,
                "other" => values.OtherReplyTo,
                "forged" => $"replies+c1-aaaaaaaaaaaaaaaa@{clinic.Domain}",
                _ => values.ReplyTo,
            };
            await RawSmtp.SendAsync("127.0.0.1", TestServers.SmtpPort, envelopeFrom, recipient, Corpus.Fill(sample, values));
        }
        var replies = new Mailbox(clinic.RepliesAddress);
        await replies.WaitForAsync(samples.Count);

        var result = await clinic.Inbox.ReadAsync(default);

        Assert.Equal(samples.Count, result.Read);
        Assert.Empty(await replies.MessagesAsync());
        var folderOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in (string[])["Processed", "Unmatched", "Bounces", "Auto-replies", "Rejected"])
            foreach (var message in await replies.MessagesAsync(folder))
                folderOf[message.Headers["X-Corpus-Patient"] ?? message.From.Mailboxes.FirstOrDefault()?.Address + "|" + message.MessageId] = folder;

        var problems = new List<string>();
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            var patient = clinic.Address(PatientName(i).ToLowerInvariant());
            var checkInId = checkIns[patient].Id;
            var sent = Corpus.Parse(Corpus.Fill(sample, new SampleValues(patient, PatientName(i), ReplyTo(patient), clinic.RepliesAddress,
                $"checkins@{clinic.Domain}", checkIns[patient].MessageId, ReplyTo(other), clinic.Domain)));
            var inbound = await db.QuerySingleOrDefaultAsync<(string Outcome, string Folder, long? CheckInId, string Detail)>(
                "SELECT outcome, folder, check_in_id, detail FROM inbound_messages WHERE message_id = @id", new { id = sent.MessageId });
            void Check<T>(string what, T expected, T actual)
            {
                if (!EqualityComparer<T>.Default.Equals(expected, actual))
                    problems.Add($"{sample.File}: {what} expected {expected}, was {actual} ({inbound.Detail})");
            }
            Check("outcome", sample.Outcome, inbound.Outcome);
            Check("folder (db)", sample.ExpectedFolder, inbound.Folder);
            var key = sent.From.Mailboxes.FirstOrDefault()?.Address + "|" + sent.MessageId;
            Check("IMAP folder", sample.ExpectedFolder, folderOf.GetValueOrDefault(key));
            if (sample.Outcome is "answer")
            {
                Check("check-in", (long?)checkInId, inbound.CheckInId);
                var reply = await db.QuerySingleOrDefaultAsync<StoredReply>(
                    "SELECT pain, mood_score, mood_word, phq2_a, phq2_b, answer_status, crisis_flag, answer_text FROM replies WHERE check_in_id = @checkInId",
                    new { checkInId });
                Check("reply stored", true, reply is not null);
                if (reply is null) continue;
                Check("status", sample.Status, reply.AnswerStatus);
                Check("pain", sample.Pain, reply.Pain);
                Check("mood", sample.MoodScore, reply.MoodScore);
                Check("mood word", sample.MoodWord, reply.MoodWord);
                Check("phq-2 a", sample.Phq2a, reply.Phq2A);
                Check("phq-2 b", sample.Phq2b, reply.Phq2B);
                Check("crisis flag", sample.Crisis, reply.CrisisFlag);
                if (sample.OwnText is not null) Check("text", sample.OwnText, reply.AnswerText);
                var clarified = await db.ExecuteScalarAsync<DateTime?>("SELECT clarification_sent_at FROM check_ins WHERE id = @checkInId", new { checkInId });
                Check("clarification", sample.Clarification, clarified is not null);
                if (sample.Clarification)
                {
                    var mail = await new Mailbox(patient).WaitForAsync(2);
                    Check("clarification email", true, mail.Any(m => m.InReplyTo == sent.MessageId && m.Headers["Auto-Submitted"] == "auto-replied"));
                }
            }
            else
            {
                Check("no reply stored", 0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies WHERE check_in_id = @checkInId", new { checkInId }));
                // Auto-replies, bounces, loops and strangers are never answered.
                Check("no clarification", (DateTime?)null, await db.ExecuteScalarAsync<DateTime?>("SELECT clarification_sent_at FROM check_ins WHERE id = @checkInId", new { checkInId }));
            }
            var state = await db.QuerySingleAsync<(DateTime? OptedOut, DateTime? Undeliverable, int SoftBounces, DateTime? OutOfOffice)>("""
                SELECT p.opted_out_at, p.undeliverable_at, p.soft_bounces, ci.out_of_office_until
                FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id WHERE ci.id = @checkInId
                """, new { checkInId });
            Check("opted out", sample.OptedOut, state.OptedOut is not null);
            Check("undeliverable", sample.Undeliverable, state.Undeliverable is not null);
            Check("soft bounces", sample.SoftBounces ?? 0, state.SoftBounces);
            Check("out of office", sample.OutOfOffice, state.OutOfOffice is not null);
        }
        // Nothing sent to the replies box touched the patient whose token was misused.
        var otherId = checkIns[other].Id;
        problems.AddRange((await db.QueryAsync<string>("SELECT 'Other: reply ' || id FROM replies WHERE check_in_id = @otherId", new { otherId })));
        // Every inbound message has its audit row.
        Assert.Equal(samples.Count, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind LIKE 'inbound.%'"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string PatientName(int i) => "P" + i.ToString("00", CultureInfo.InvariantCulture);

    private sealed class StoredReply
    {
        public int? Pain { get; init; }
        public int? MoodScore { get; init; }
        public string? MoodWord { get; init; }
        public int? Phq2A { get; init; }
        public int? Phq2B { get; init; }
        public string AnswerStatus { get; init; } = "";
        public bool CrisisFlag { get; init; }
        public string AnswerText { get; init; } = "";
    }
}
