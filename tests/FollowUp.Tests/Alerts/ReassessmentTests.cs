using Dapper;
using FollowUp.Alerts;
using FollowUp.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FollowUp.Tests.Alerts;

/// <summary>
/// `followup-admin alert reassess`: every course re-assessed after a rule change, set-based, with the same outcome as
/// the per-reply assessment run course by course. Both paths run on identical real databases and their alerts are
/// compared column by column.
/// </summary>
public sealed class ReassessmentTests
{
    // The rules before the change: stricter than the defaults in every way the scenarios below exercise.
    private static AlertOptions OldRules() => new() { WorseningRise = 4, NearBaselineMargin = 0, Phq2Cutoff = 5 };

    // The rules after the change: the defaults, plus a self-harm phrase of the clinic's own (the built-in list
    // applies before and after alike).
    private const string ClinicPhrase = "rather not be around";

    private static AlertOptions NewRules() => new() { SelfHarmPhrases = [ClinicPhrase] };

    private static readonly Dictionary<string, string?> NewRulesEnvironment = new() { ["FollowUp__Alerts__SelfHarmPhrases__0"] = ClinicPhrase };

    private static readonly DateTimeOffset Later = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reassessing_every_course_leaves_the_same_alerts_as_assessing_each_course_with_the_new_rules()
    {
        await using var perCourse = await Clinic.OpenAsync();
        await using var setBased = await Clinic.OpenAsync();
        var courses = await SeedAsync(perCourse);
        Assert.Equal(courses, await SeedAsync(setBased));

        var assessment = new Assessment(perCourse.Clock, Options.Create(NewRules()), NullLogger<Assessment>.Instance);
        await using (var connection = await perCourse.Data.OpenConnectionAsync())
        {
            foreach (var courseId in courses)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await assessment.AssessAsync(connection, transaction, courseId, CancellationToken.None);
                await transaction.CommitAsync();
            }
        }
        var summary = await Reassess(setBased).RunAsync(dryRun: false, CancellationToken.None);

        Assert.Equal(await AlertsAsync(perCourse), await AlertsAsync(setBased));
        // A: late worsening raised; B: normal -> high updated; C: same high alert unchanged; D: acknowledged about the
        // same check-in, not raised again; E: crisis phrase added to the rules; F: PHQ-2 cut-off lowered; G: milder
        // reading after an open high alert, unchanged; H: no replies; I: a correcting second reply counts.
        Assert.Equal((8, 4, 1, 3), (summary.CoursesAssessed, summary.Raised, summary.Updated, summary.Unchanged));
        var alerts = await AlertsAsync(setBased);
        Assert.Contains(alerts, a => a.StartsWith($"{courses[1]}|late_worsening|high|", StringComparison.Ordinal) && a.EndsWith("|open|pending|", StringComparison.Ordinal));
        Assert.Contains(alerts, a => a.StartsWith($"{courses[4]}|crisis|high|", StringComparison.Ordinal) && a.EndsWith("|open|pending|pending", StringComparison.Ordinal));
        Assert.Single(alerts, a => a.StartsWith($"{courses[3]}|", StringComparison.Ordinal));
        await using var db = await setBased.Data.OpenConnectionAsync();
        Assert.Equal(5, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE actor = 'reassessment'"));
    }

    [Fact]
    public async Task Reassessing_again_changes_nothing_and_a_dry_run_writes_nothing()
    {
        await using var clinic = await Clinic.OpenAsync();
        await SeedAsync(clinic);
        var before = await AlertsAsync(clinic);

        var dry = await Reassess(clinic).RunAsync(dryRun: true, CancellationToken.None);
        Assert.Equal(before, await AlertsAsync(clinic));
        Assert.Equal((4, 1), (dry.Raised, dry.Updated));
        Assert.Equal(5, dry.Changes.Count);

        var first = await Reassess(clinic).RunAsync(dryRun: false, CancellationToken.None);
        Assert.Equal((4, 1), (first.Raised, first.Updated));
        var after = await AlertsAsync(clinic);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var audited = await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log");

        var second = await Reassess(clinic).RunAsync(dryRun: false, CancellationToken.None);
        Assert.Equal((0, 0, 8), (second.Raised, second.Updated, second.Unchanged));
        Assert.Empty(second.Changes);
        Assert.Equal(after, await AlertsAsync(clinic));
        Assert.Equal(audited, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task The_reassess_command_prints_what_it_would_change_then_changes_it_once()
    {
        await using var clinic = await Clinic.OpenAsync();
        await SeedAsync(clinic);
        string[] connection = ["--connection", clinic.ConnectionString];

        var dry = await Tool.RunAsync("followup-admin.dll", ["alert", "reassess", "--dry-run", .. connection], NewRulesEnvironment);
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("would raise  course", dry.Stdout, StringComparison.Ordinal);
        Assert.Contains("would raise 4 alerts, update 1, leave 3 unchanged. Nothing was written.", dry.Stdout, StringComparison.Ordinal);

        var run = await Tool.RunAsync("followup-admin.dll", ["alert", "reassess", .. connection], NewRulesEnvironment);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("8 courses assessed (10 answered check-ins): 4 alerts raised, 1 updated, 3 unchanged.", run.Stdout, StringComparison.Ordinal);

        var again = await Tool.RunAsync("followup-admin.dll", ["alert", "reassess", .. connection], NewRulesEnvironment);
        Assert.Contains("0 alerts raised, 0 updated, 8 unchanged.", again.Stdout, StringComparison.Ordinal);
    }

    private static Reassessment Reassess(Clinic clinic) =>
        new(clinic.Data, clinic.Clock, Options.Create(NewRules()), NullLogger<Reassessment>.Instance);

    /// <summary>
    /// The same clinic history in any fresh database: nine courses, their replies, the alerts the old rules raised
    /// (their emails sent), one of them acknowledged, and one reply stored after that. Returns the course ids.
    /// </summary>
    private static async Task<long[]> SeedAsync(Clinic clinic)
    {
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        var ids = new List<long>();
        foreach (var (name, start, end) in new[] { ("Ann", 8, 3), ("Ben", 8, 2), ("Cat", 8, 3), ("Dan", 8, 3), ("Eve", 6, 3), ("Fay", 6, 3), ("Gus", 8, 3), ("Hal", 8, 3), ("Ivy", 8, 3) })
            ids.Add(await clinic.EnrolAsync(name, start, end));
        await using var db = await clinic.Data.OpenConnectionAsync();
        var week1 = new Dictionary<long, long>();
        var week2 = new Dictionary<long, long>();
        foreach (var id in ids)
        {
            var checkIns = (await db.QueryAsync<long>("SELECT id FROM check_ins WHERE course_id = @id ORDER BY sequence", new { id })).ToArray();
            (week1[id], week2[id]) = (checkIns[0], checkIns[1]);
        }
        var at = new DateTime(2026, 11, 9, 12, 0, 0, DateTimeKind.Utc);
        await ReplyAsync(db, week1[ids[0]], at, pain: 5);
        await ReplyAsync(db, week1[ids[1]], at, pain: 7);
        await ReplyAsync(db, week1[ids[2]], at, pain: 8);
        await ReplyAsync(db, week1[ids[3]], at, pain: 8);
        await ReplyAsync(db, week1[ids[4]], at, pain: 3, text: "Honestly I feel I would rather not be around");
        await ReplyAsync(db, week1[ids[5]], at, pain: 3, phq2: (2, 2));
        await ReplyAsync(db, week1[ids[6]], at, pain: 8);
        await ReplyAsync(db, week1[ids[8]], at, pain: 4);
        await ReplyAsync(db, week1[ids[8]], at.AddHours(1), pain: 6);
        await ReplyAsync(db, week2[ids[0]], at.AddDays(7), pain: 3);
        await ReplyAsync(db, week2[ids[0]], at.AddDays(7).AddHours(2), pain: 5);

        var old = new Assessment(clinic.Clock, Options.Create(OldRules()), NullLogger<Assessment>.Instance);
        foreach (var id in ids)
        {
            await using var transaction = await db.BeginTransactionAsync();
            await old.AssessAsync(db, transaction, id, CancellationToken.None);
            await transaction.CommitAsync();
        }
        await db.ExecuteAsync("UPDATE alerts SET notify_status = 'sent', notified_at = raised_at");
        await db.ExecuteAsync("UPDATE alerts SET status = 'acknowledged', acknowledged_at = raised_at, acknowledged_by = 'sam' WHERE course_id = @id", new { id = ids[3] });
        // Gus answers week 2 milder than his open high alert; stored without assessment, as a rule change finds it.
        await ReplyAsync(db, week2[ids[6]], at.AddDays(7), pain: 5);
        clinic.Clock.SetUtcNow(Later);
        return [.. ids];
    }

    private static async Task ReplyAsync(Npgsql.NpgsqlConnection db, long checkInId, DateTime at, int pain, string? text = null, (int A, int B)? phq2 = null)
    {
        var answer = text ?? $"Pain: {pain}";
        var inbound = await db.ExecuteScalarAsync<long>("""
            INSERT INTO inbound_messages (mailbox, uid_validity, uid, received_at, outcome, raw_headers, body_text, folder, check_in_id)
            VALUES ('INBOX', 1, (SELECT count(*) + 1 FROM inbound_messages), @at, 'answer', '', @answer, 'Processed', @checkInId)
            RETURNING id
            """, new { at, answer, checkInId });
        await db.ExecuteAsync("""
            INSERT INTO replies (check_in_id, inbound_message_id, received_at, pain, answer_text, phq2_a, phq2_b)
            VALUES (@checkInId, @inbound, @at, @pain, @answer, @a, @b)
            """, new { checkInId, inbound, at, pain, answer, a = phq2?.A, b = phq2?.B });
        await db.ExecuteAsync("UPDATE check_ins SET status = 'answered' WHERE id = @checkInId", new { checkInId });
    }

    /// <summary>
    /// Every alert as one comparable line: not its id (which depends on the order alerts were raised in), nor
    /// updated_at, which the per-reply assessment touches on an alert it leaves otherwise unchanged and a re-assessment
    /// deliberately does not (Reassessment's summary).
    /// </summary>
    private static async Task<List<string>> AlertsAsync(Clinic clinic)
    {
        await using var db = await clinic.Data.OpenConnectionAsync();
        return (await db.QueryAsync<string>("""
            SELECT concat_ws('|', course_id, kind, severity, reason, check_in_id, raised_at, status, notify_status, coalesce(patient_notice_status, ''))
            FROM alerts ORDER BY course_id, kind, raised_at
            """)).ToList();
    }
}
