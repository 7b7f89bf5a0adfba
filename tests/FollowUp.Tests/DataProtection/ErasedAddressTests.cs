using System.IO.Compression;
using Dapper;
using FollowUp.Courses;
using FollowUp.Tests.Alerts;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FollowUp.Tests.DataProtection;

/// <summary>
/// What an erasure leaves behind, on the real servers: the open alerts a forced erasure closes (counted, and told to the
/// therapist or the lead without patient data), a repeated request (audited), and mail that comes from the erased
/// patient's address afterwards (recognised, exported and erased by address and by the clinic's number).
/// </summary>
public class ErasedAddressTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private const string Later = "2026-11-20T10:00:00Z";

    private static Dictionary<string, string?> Settings(string lead) => new()
    {
        ["FollowUp:DataProtection:ErasureKey"] = "9f1c4e7a2b8d5f3a6c0e9b1d4f7a2c5e",
        ["FollowUp:Alerts:ConfirmingCheckIn"] = "false",
        ["FollowUp:Alerts:LeadAddress"] = lead,
    };

    private static async Task<(Clinic Clinic, PatientDataTests.Lines Log, Dictionary<string, string?> Env)> GraceAsync()
    {
        var log = new PatientDataTests.Lines();
        var domain = TestServers.UniqueDomain("lead");
        var settings = Settings($"lead@{domain}");
        var clinic = await Clinic.OpenAsync(Monday, settings, services => services.AddLogging(l => l.AddProvider(log).SetMinimumLevel(LogLevel.Information)));
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        await clinic.Enrolment.EnrolAsync(new Enrolment
        {
            PatientName = "Grace Hopper", PatientEmail = clinic.Address("grace"), PatientClinicId = "MRN-7", TimeZone = "Europe/London",
            TherapistEmail = clinic.Address("therapist"), TherapistName = "Sam Taylor", StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = 8, PainAtEnd = 3,
            Consent = new FollowUp.DataProtection.EnrolmentConsent("in_person", today, null, null),
        }, CancellationToken.None);
        return (clinic, log, Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain, settings)));
    }

    [Fact]
    public async Task A_forced_erasure_with_an_open_crisis_alert_says_it_closed_it_and_tells_the_therapist_without_naming_the_patient_and_a_repeated_request_is_audited()
    {
        var (clinic, _, env) = await GraceAsync();
        await using var _clinic = clinic;
        await AlertLifecycleTests.AnswerAsync(clinic, "grace", "Pain 3, mood 7. Some days I think about ending my life.");
        await clinic.Alerts.NotifyAsync(default);
        var therapist = new Mailbox(clinic.Address("therapist"));
        await therapist.WaitForAsync(1);

        var refused = await Tool.RunAsync("followup-admin.dll", ["patient", "erase", "MRN-7", "--now", Later], env);
        var forced = await Tool.RunAsync("followup-admin.dll", ["patient", "erase", "MRN-7", "--force", "--actor", "dpo", "--now", Later], env);
        var again = await Tool.RunAsync("followup-admin.dll", ["patient", "erase", clinic.Address("grace"), "--actor", "dpo", "--now", Later], env);

        Assert.Equal(1, refused.ExitCode);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.Contains("Closed 1 open alert(s) without acknowledgement: 1 crisis.", forced.Stdout, StringComparison.Ordinal);
        Assert.Contains("Told 1 therapist(s) or the lead", forced.Stdout, StringComparison.Ordinal);
        var notice = (await therapist.WaitForAsync(2)).Single(m => m.Subject != null && m.Subject.Contains("erased on request", StringComparison.Ordinal));
        var raw = notice.ToString();
        Assert.Contains("1 crisis", notice.TextBody, StringComparison.Ordinal);
        foreach (var phi in new[] { "Grace", "grace@", "MRN-7", "ending my life", "Pain 3", "3/10" })
            Assert.DoesNotContain(phi, raw, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Already erased on 2026-11-20", again.Stdout, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var erased = await db.QuerySingleAsync<(string Actor, string Detail)>("SELECT actor, detail::text FROM audit_log WHERE kind = 'patient.erased'");
        Assert.Equal("dpo", erased.Actor);
        Assert.Contains("\"closed_open_alerts\": {\"crisis\": 1}", erased.Detail, StringComparison.Ordinal);
        var repeated = await db.QuerySingleAsync<(string Actor, string Detail, long? PatientId)>("SELECT actor, detail::text, patient_id FROM audit_log WHERE kind = 'patient.erasure_repeated'");
        Assert.Equal("dpo", repeated.Actor);
        Assert.Null(repeated.PatientId);
        Assert.Contains("\"erased_on\": \"2026-11-20\"", repeated.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'patient.erasure_notice_sent'"));
        // Told: the record forgets whom.
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM erasures WHERE cardinality(notice_to) > 0"));
        Assert.Empty(await PatientDataTests.TextFoundAsync(clinic, ["Grace", "grace@", "ending my life"]));
    }

    [Fact]
    public async Task Mail_from_an_erased_address_is_recognised_still_raises_a_crisis_alert_and_is_exported_and_erased_by_address_and_by_the_clinics_number()
    {
        var (clinic, log, env) = await GraceAsync();
        await using var _clinic = clinic;
        await AlertLifecycleTests.AnswerAsync(clinic, "grace", "Pain 4, mood 7. The violin helps.");
        var erased = await Tool.RunAsync("followup-admin.dll", ["patient", "erase", "MRN-7", "--now", Later], env);
        Assert.True(erased.ExitCode == 0, erased.Stderr);
        // Afterwards she writes twice, as a person writes a new email: no token, no thread.
        foreach (var text in new[] { "Hello again, my back is bad after the move, pain 6.", "I cannot go on, I want to end my life." })
        {
            var mail = new MimeMessage { Subject = "back pain", Date = Monday.AddDays(19) };
            mail.From.Add(MailboxAddress.Parse(clinic.Address("grace")));
            mail.To.Add(MailboxAddress.Parse(clinic.RepliesAddress));
            mail.Body = new TextPart("plain") { Text = text };
            await Clinic.SendAsync(mail);
        }
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(2);
        clinic.Clock.SetUtcNow(DateTimeOffset.Parse(Later, System.Globalization.CultureInfo.InvariantCulture));
        await clinic.Inbox.ReadAsync(default);
        await clinic.Alerts.NotifyAsync(default);
        var lead = new Mailbox(ErasedLead(env));
        var crisis = Assert.Single(await lead.WaitForAsync(1));
        await using var db = await clinic.Data.OpenConnectionAsync();
        // Before the erasure, which redacts them with the rest.
        var recognised = await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'inbound.from_erased_address' AND detail->>'erased_on' = '2026-11-20'");
        var reason = await db.ExecuteScalarAsync<string>("SELECT reason FROM alerts WHERE course_id IS NULL");

        var folder = Directory.CreateTempSubdirectory("followup-erased-");
        var byAddress = await Tool.RunAsync("followup-admin.dll", ["patient", "export", clinic.Address("grace"), "--output", Path.Combine(folder.FullName, "a.zip"), "--now", Later], env);
        var byNumber = await Tool.RunAsync("followup-admin.dll", ["patient", "export", "MRN-7", "--output", Path.Combine(folder.FullName, "b.zip"), "--now", Later], env);
        var refused = await Tool.RunAsync("followup-admin.dll", ["patient", "erase", "MRN-7", "--now", Later], env);
        var forced = await Tool.RunAsync("followup-admin.dll", ["patient", "erase", "MRN-7", "--force", "--now", Later], env);

        Assert.Contains("URGENT", crisis.Subject, StringComparison.Ordinal);
        Assert.Equal(2, recognised);
        Assert.Contains("the address of a patient erased on 2026-11-20", reason, StringComparison.Ordinal);
        Assert.Contains(log.Snapshot(), l => l.Contains("comes from the address of a patient erased on", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Snapshot(), l => l.Contains("grace", StringComparison.OrdinalIgnoreCase));
        foreach (var (run, zip) in new[] { (byAddress, "a.zip"), (byNumber, "b.zip") })
        {
            Assert.True(run.ExitCode == 0, run.Stderr);
            using var archive = ZipFile.OpenRead(Path.Combine(folder.FullName, zip));
            var emls = archive.Entries.Where(e => e.FullName.EndsWith(".eml", StringComparison.Ordinal)).Select(e => new StreamReader(e.Open()).ReadToEnd()).ToList();
            Assert.Equal(2, emls.Count);
            Assert.Contains(emls, e => e.Contains("after the move", StringComparison.Ordinal));
            Assert.Contains("erased on request on 2026-11-20", new StreamReader(archive.GetEntry("README.txt")!.Open()).ReadToEnd(), StringComparison.Ordinal);
        }
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("2 message(s) came from the address since, with 1 open alert(s)", refused.Stderr, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.Contains("Mail from the address since then removed", forced.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 message(s) from the mailbox", forced.Stdout, StringComparison.Ordinal);
        Assert.Contains("Closed 1 open alert(s) without acknowledgement: 1 crisis.", forced.Stdout, StringComparison.Ordinal);
        string[] hers = ["grace@", "after the move", "end my life", "violin"];
        Assert.Empty(await PatientDataTests.TextFoundAsync(clinic, hers));
        Assert.Empty(await PatientDataTests.MailFoundAsync(clinic.RepliesAddress, hers));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'patient.erasure_repeated' AND (detail->>'messages_since')::int = 2"));
    }

    private static string ErasedLead(Dictionary<string, string?> env) => env.Single(kv => kv.Key.EndsWith("LeadAddress", StringComparison.Ordinal)).Value!;
}
