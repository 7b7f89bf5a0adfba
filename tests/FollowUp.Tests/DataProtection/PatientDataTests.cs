using System.IO.Compression;
using System.Text;
using Dapper;
using FollowUp.Courses;
using FollowUp.DataProtection;
using FollowUp.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FollowUp.Tests.DataProtection;

/// <summary>
/// A patient's data on request, on the real servers: two patients of one family share an address and a name (told apart
/// by the clinic's numbers), a third has her own; each answers a check-in; one is exported, one erased.
/// </summary>
public class PatientDataTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);
    private const string Now = "2026-11-09T11:00:00Z";

    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["FollowUp:DataProtection:ErasureKey"] = "9f1c4e7a2b8d5f3a6c0e9b1d4f7a2c5e",
    };

    private sealed record Family(Clinic Clinic, Lines Log, string Shared, string Grace, Dictionary<string, MimeMessage> CheckIns);

    /// <summary>Ada Byron (MRN-1) and Ada Byron (MRN-2) at one family address, Grace Hopper at hers, and two others; each has a check-in.</summary>
    private static async Task<Family> FamilyAsync()
    {
        var log = new Lines();
        var clinic = await Clinic.OpenAsync(Monday, Keys, services => services.AddLogging(l => l.AddProvider(log).SetMinimumLevel(LogLevel.Information)));
        var shared = clinic.Address("byron.family");
        var grace = clinic.Address("grace.hopper");
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        async Task Enrol(string name, string email, string? clinicId) => await clinic.Enrolment.EnrolAsync(new Enrolment
        {
            PatientName = name, PatientEmail = email, PatientClinicId = clinicId, TimeZone = "Europe/London", TherapistEmail = clinic.Address("therapist"),
            StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = 8, PainAtEnd = 3,
            Consent = new EnrolmentConsent("in_person", today, "Sam Taylor", null),
        }, CancellationToken.None);
        await Enrol("Ada Byron", shared, "MRN-1");
        await Enrol("Ada Byron", shared, "MRN-2");
        await Enrol("Grace Hopper", grace, "MRN-3");
        await Enrol("Other One", clinic.Address("other.one"), null);
        await Enrol("Other Two", clinic.Address("other.two"), null);
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        // Each patient's check-in, told apart by the Message-ID FollowUp recorded for it (the two Adas' look alike).
        await using var db = await clinic.Data.OpenConnectionAsync();
        var sent = (await db.QueryAsync<(string Key, string MessageId)>("""
            SELECT COALESCE(p.clinic_id, p.email), ci.message_id FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
            WHERE ci.message_id IS NOT NULL
            """)).ToDictionary(r => r.MessageId.Trim('<', '>'), r => r.Key);
        var checkIns = new Dictionary<string, MimeMessage>();
        foreach (var address in new[] { shared, grace, clinic.Address("other.one"), clinic.Address("other.two") })
            foreach (var message in await new Mailbox(address).WaitForAsync(address == shared ? 2 : 1))
                checkIns[sent[message.MessageId!]] = message;
        return new Family(clinic, log, shared, grace, checkIns);
    }

    private static async Task AnswerAsync(Family family, string key, string from, string text, int expectedInInbox)
    {
        var checkIn = family.CheckIns[key];
        await Clinic.SendAsync(Clinic.ReplyTo(checkIn, from, "Re: " + checkIn.Subject, text));
        await new Mailbox(family.Clinic.RepliesAddress).WaitForAsync(expectedInInbox);
    }

    [Fact]
    public async Task An_export_holds_every_row_and_message_of_one_patient_and_nothing_of_the_family_member_who_shares_name_and_address()
    {
        var family = await FamilyAsync();
        await using var clinic = family.Clinic;
        await AnswerAsync(family, "MRN-1", family.Shared, "Pain 4, mood good. My knee is stiff after the gardening marathon.", 1);
        await AnswerAsync(family, "MRN-2", family.Shared, "Pain 2, mood fine. Swimming helps a lot.", 2);
        await clinic.Inbox.ReadAsync(default);
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain, Keys));
        var folder = Directory.CreateTempSubdirectory("followup-export-");
        var path = Path.Combine(folder.FullName, "ada.zip");

        var byAddress = await Tool.RunAsync("followup-admin.dll", ["patient", "export", family.Shared, "--output", path, "--now", Now], env);
        var export = await Tool.RunAsync("followup-admin.dll", ["patient", "export", "MRN-1", "--output", path, "--actor", "dpo", "--now", Now], env);

        await using var db = await clinic.Data.OpenConnectionAsync();
        var ids = (await db.QueryAsync<long>("SELECT id FROM patients WHERE email = @email ORDER BY id", new { email = family.Shared })).ToList();
        Assert.Equal(1, byAddress.ExitCode);
        Assert.Contains($"is the address of 2 patients ({ids[0]} (patient id MRN-1), {ids[1]} (patient id MRN-2))", byAddress.Stderr, StringComparison.Ordinal);
        Assert.True(export.ExitCode == 0, export.Stderr);
        using var zip = ZipFile.OpenRead(path);
        var entries = zip.Entries.ToDictionary(e => e.FullName, e => { using var r = new StreamReader(e.Open()); return r.ReadToEnd(); });
        Assert.Contains("README.txt", entries.Keys);
        Assert.Contains("data.json", entries.Keys);
        var eml = Assert.Single(entries.Keys, k => k.EndsWith(".eml", StringComparison.Ordinal));
        Assert.Contains("gardening marathon", entries[eml], StringComparison.Ordinal);
        Assert.Contains("gardening marathon", entries["README.txt"], StringComparison.Ordinal);
        Assert.Contains("in_person", entries["README.txt"], StringComparison.Ordinal);
        var everything = string.Concat(entries.Values);
        Assert.DoesNotContain("Swimming", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("MRN-2", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace", everything, StringComparison.Ordinal);
        // Every row of the patient, table by table, as the database holds them.
        var data = System.Text.Json.Nodes.JsonNode.Parse(entries["data.json"])!;
        var own = await db.QuerySingleAsync<(long Courses, long CheckIns, long Replies, long Inbound, long Consents)>("""
            SELECT (SELECT count(*) FROM courses WHERE patient_id = @p), (SELECT count(*) FROM check_ins ci JOIN courses c ON c.id = ci.course_id WHERE c.patient_id = @p),
                   (SELECT count(*) FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id JOIN courses c ON c.id = ci.course_id WHERE c.patient_id = @p),
                   (SELECT count(*) FROM inbound_messages m JOIN check_ins ci ON ci.id = m.check_in_id JOIN courses c ON c.id = ci.course_id WHERE c.patient_id = @p),
                   (SELECT count(*) FROM consents WHERE patient_id = @p)
            """, new { p = ids[0] });
        Assert.Equal("MRN-1", (string?)data["patient"]!["clinic_id"]);
        Assert.Equal(own.Courses, data["courses"]!.AsArray().Count);
        Assert.Equal(own.CheckIns, data["check_ins"]!.AsArray().Count);
        Assert.Equal(own.Replies, data["replies"]!.AsArray().Count);
        Assert.Equal(own.Inbound, data["messages_received"]!.AsArray().Count);
        Assert.Equal(own.Consents, data["consents"]!.AsArray().Count);
        Assert.NotEmpty(data["audit_trail"]!.AsArray());
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'patient.exported' AND actor = 'dpo'"));
    }

    [Fact]
    public async Task After_an_erasure_no_table_no_mailbox_folder_and_no_log_line_holds_the_patient_while_the_others_replies_read_meanwhile_are_all_kept()
    {
        var family = await FamilyAsync();
        await using var clinic = family.Clinic;
        await AnswerAsync(family, "MRN-1", family.Shared, "Pain 4, mood good. My knee is stiff after the gardening marathon.", 1);
        await AnswerAsync(family, "MRN-3", family.Grace, "Pain 5, mood fine. Playing the violin again, Grace.", 2);
        await clinic.Inbox.ReadAsync(default);
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain, Keys));
        // Two more answers arrive while the erasure runs: the inbox reads them, dispatch sends what is due, beside it.
        await AnswerAsync(family, clinic.Address("other.one"), clinic.Address("other.one"), "Pain 3, mood good, cycling.", 1);
        await AnswerAsync(family, clinic.Address("other.two"), clinic.Address("other.two"), "Pain 2, mood good, walking.", 2);

        var erasing = Tool.RunAsync("followup-admin.dll", ["patient", "erase", family.Grace, "--now", Now], env);
        await Task.WhenAll(clinic.Inbox.ReadAsync(default), clinic.Dispatch.SendDueAsync(default));
        var erased = await erasing;
        var again = await Tool.RunAsync("followup-admin.dll", ["patient", "erase", family.Grace.ToUpperInvariant(), "--now", Now], env);
        var byNumber = await Tool.RunAsync("followup-admin.dll", ["patient", "erase", "MRN-3", "--now", Now], env);

        Assert.True(erased.ExitCode == 0, erased.Stderr);
        Assert.Contains("already erased on 2026-11-09", again.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("already erased on 2026-11-09", byNumber.Stdout, StringComparison.OrdinalIgnoreCase);
        // The searches themselves find what is there: the other patients' words.
        Assert.NotEmpty(await TextFoundAsync(clinic, ["gardening"]));
        Assert.NotEmpty(await MailFoundAsync(clinic.RepliesAddress, ["cycling"]));
        Assert.NotEmpty(family.Log.Snapshot());
        string[] hers = ["Grace", "grace.hopper", "violin", "MRN-3"];
        var tables = await TextFoundAsync(clinic, hers);
        Assert.True(tables.Count == 0, "still in the database: " + string.Join("; ", tables));
        var folders = await MailFoundAsync(clinic.RepliesAddress, hers);
        Assert.True(folders.Count == 0, "still in the mailbox: " + string.Join("; ", folders));
        var lines = family.Log.Snapshot().Where(l => hers.Any(h => l.Contains(h, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(lines.Count == 0, "in the worker's log: " + string.Join(" | ", lines));
        // The others: every reply stored, every message still in Processed.
        await using var db = await clinic.Data.OpenConnectionAsync();
        var replies = (await db.QueryAsync<string>("SELECT answer_text FROM replies ORDER BY id")).ToList();
        Assert.Equal(3, replies.Count);
        Assert.Contains(replies, r => r.Contains("gardening", StringComparison.Ordinal));
        Assert.Contains(replies, r => r.Contains("cycling", StringComparison.Ordinal));
        Assert.Contains(replies, r => r.Contains("walking", StringComparison.Ordinal));
        Assert.Equal(3, (await new Mailbox(clinic.RepliesAddress).MessagesAsync("Processed")).Count);
        Assert.Equal(4, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM patients"));
        // The trail says an erasure happened, not whom.
        var audit = await db.QuerySingleAsync<(string Detail, long? PatientId)>("SELECT detail::text, patient_id FROM audit_log WHERE kind = 'patient.erased'");
        Assert.Null(audit.PatientId);
        Assert.True(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'audit.redacted'") == 1);
    }

    [Fact]
    public async Task An_erasure_waits_for_an_open_alert_unless_forced_and_one_interrupted_between_mailbox_and_database_finishes_when_asked_again()
    {
        var family = await FamilyAsync();
        await using var clinic = family.Clinic;
        await AnswerAsync(family, "MRN-1", family.Shared, "Pain 9. Some days I think about ending my life.", 1);
        await AnswerAsync(family, "MRN-2", family.Shared, "Pain 2, mood fine. Swimming helps a lot.", 2);
        await clinic.Inbox.ReadAsync(default);
        var erasure = clinic.Services.GetRequiredService<PatientErasure>();
        static Func<string, Task> CrashAfter(string step) => done => done == step ? throw new IOException($"crash after {step}") : Task.CompletedTask;

        var refused = await Assert.ThrowsAsync<PatientRequestException>(() => erasure.EraseAsync("MRN-1", force: false, "dpo", default));
        await Assert.ThrowsAsync<IOException>(() => erasure.EraseAsync("MRN-1", force: true, "dpo", default, CrashAfter("mailbox")));
        var afterMailbox = await AtAddressAsync(clinic, family.Shared);
        await Assert.ThrowsAsync<IOException>(() => erasure.EraseAsync("MRN-1", force: true, "dpo", default, CrashAfter("database")));
        await using var db = await clinic.Data.OpenConnectionAsync();
        var unfinished = await db.QuerySingleAsync<(int Running, int Ids)>(
            "SELECT count(*) FILTER (WHERE completed_at IS NULL), max(cardinality(message_ids)) FROM erasures");
        var finished = await erasure.EraseAsync("MRN-1", force: true, "dpo", default);

        Assert.Contains("open alert(s)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, afterMailbox);
        Assert.Equal((1, 1), unfinished);
        Assert.False(finished.AlreadyErased);
        Assert.Equal(1, await AtAddressAsync(clinic, family.Shared));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM erasures WHERE completed_at IS NOT NULL AND patient_id IS NULL AND message_ids = '{}'"));
        Assert.Equal("MRN-2", await db.ExecuteScalarAsync<string>("SELECT clinic_id FROM patients WHERE email = @email", new { email = family.Shared }));
        Assert.Empty(await TextFoundAsync(clinic, ["ending my life", "MRN-1"]));
        Assert.Empty(await MailFoundAsync(clinic.RepliesAddress, ["ending my life"]));
        Assert.Single(await MailFoundAsync(clinic.RepliesAddress, ["Swimming"]));
    }

    private static async Task<int> AtAddressAsync(Clinic clinic, string address)
    {
        await using var db = await clinic.Data.OpenConnectionAsync();
        return await db.ExecuteScalarAsync<int>("SELECT count(*) FROM patients WHERE email = @address", new { address });
    }

    /// <summary>Every text, json and array column of every table of the clinic's schema that holds one of <paramref name="words"/>.</summary>
    internal static async Task<List<string>> TextFoundAsync(Clinic clinic, string[] words)
    {
        await using var db = await clinic.Data.OpenConnectionAsync();
        var columns = (await db.QueryAsync<(string Table, string Column)>("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
            """)).ToList();
        var found = new List<string>();
        foreach (var (table, column) in columns)
            foreach (var word in words)
                if (await db.ExecuteScalarAsync<bool>($"""SELECT EXISTS (SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE @pattern)""",
                        new { pattern = "%" + word + "%" }))
                    found.Add($"{table}.{column} holds '{word}'");
        return found;
    }

    /// <summary>Every message of every folder of the mailbox whose raw text holds one of <paramref name="words"/>.</summary>
    internal static async Task<List<string>> MailFoundAsync(string address, string[] words)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", TestServers.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(address, TestServers.MailPassword);
        var found = new List<string>();
        foreach (var folder in await client.GetFoldersAsync(client.PersonalNamespaces[0]))
        {
            if (folder.Attributes.HasFlag(FolderAttributes.NonExistent) || folder.Attributes.HasFlag(FolderAttributes.NoSelect)) continue;
            await folder.OpenAsync(FolderAccess.ReadOnly);
            foreach (var uid in await folder.SearchAsync(SearchQuery.All))
            {
                using var raw = new MemoryStream();
                await (await folder.GetMessageAsync(uid)).WriteToAsync(raw);
                var text = Encoding.UTF8.GetString(raw.ToArray());
                found.AddRange(words.Where(w => text.Contains(w, StringComparison.OrdinalIgnoreCase)).Select(w => $"{folder.FullName} {uid} holds '{w}'"));
            }
        }
        await client.DisconnectAsync(true);
        return found;
    }

    /// <summary>The worker's log as its lines at Information and above, formatted as a console would print them.</summary>
    internal sealed class Lines : ILoggerProvider, ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Snapshot()
        {
            lock (_lines) return [.. _lines];
        }

        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (_lines) _lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
        }

        public void Dispose()
        {
        }
    }
}
