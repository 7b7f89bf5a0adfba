using System.Globalization;
using System.Text.Json;
using Dapper;
using FollowUp.Courses;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static FollowUp.Tests.Replies.SenderTrustTests;

namespace FollowUp.Tests.Replies;

/// <summary>
/// Replies kept with their check-in for the therapist, on the real servers: an unverified sender's (applied or
/// dismissed by the therapist with the patient's confirmation), and the patient's own to a withdrawn course or long after
/// the check-in expired (held, never applied over a stored answer).
/// </summary>
public class KeptReplyTests
{
    private static Dictionary<string, string?> Cli(Clinic clinic) => Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));

    private static Task<ToolRun> RunAsync(Clinic clinic, params string[] args) => Tool.RunAsync("followup-admin.dll", args, Cli(clinic));

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static async Task<long> LastInboundAsync(Clinic clinic)
    {
        await using var db = await clinic.Data.OpenConnectionAsync();
        return await db.ExecuteScalarAsync<long>("SELECT max(id) FROM inbound_messages");
    }

    [Fact]
    public async Task An_unverified_reply_is_listed_by_course_show_with_how_its_sender_was_authenticated_and_applied_by_the_therapist_like_a_verified_answer()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");
        await SendAsync(clinic, clinic.Address("kai"), checkIn.ReplyTo.Mailboxes.Single().Address, "Pain 8", [], checkIn);
        Assert.Equal("unverified", (await ReadOneAsync(clinic)).Outcome);
        var keptId = await LastInboundAsync(clinic);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var courseId = Id(await db.ExecuteScalarAsync<long>("SELECT id FROM courses"));

        var shown = await RunAsync(clinic, "course", "show", courseId, "--json");
        var table = await RunAsync(clinic, "course", "show", courseId);
        var applied = await RunAsync(clinic, "reply", "apply", Id(keptId), "--by", "sam@clinic.example");
        var again = await RunAsync(clinic, "reply", "apply", Id(keptId), "--by", "sam@clinic.example");
        var after = await RunAsync(clinic, "course", "show", courseId, "--json");

        Assert.True(shown.ExitCode == 0, shown.Stderr);
        var kept = JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("kept_replies").EnumerateArray().Single();
        Assert.Equal(keptId, kept.GetProperty("id").GetInt64());
        Assert.Equal("unverified", kept.GetProperty("outcome").GetString());
        Assert.StartsWith("unverifiable", kept.GetProperty("sender_authentication").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("decision").ValueKind);
        Assert.Contains("sender: unverifiable", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("text: Pain 8", table.Stdout, StringComparison.Ordinal);
        Assert.True(applied.ExitCode == 0, applied.Stderr);
        Assert.Equal(8, await db.ExecuteScalarAsync<int>("SELECT pain FROM replies"));
        Assert.Equal("answered", await db.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE id = @id", new { id = (await ReadCheckInAsync(db)) }));
        Assert.Equal("sam@clinic.example", await db.ExecuteScalarAsync<string>("SELECT actor FROM audit_log WHERE kind = 'reply.applied'"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("was already applied by sam@clinic.example", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        var decided = JsonDocument.Parse(after.Stdout).RootElement.GetProperty("kept_replies").EnumerateArray().Single();
        Assert.Equal("applied", decided.GetProperty("decision").GetString());
    }

    private static Task<long> ReadCheckInAsync(System.Data.Common.DbConnection db) =>
        db.ExecuteScalarAsync<long>("SELECT check_in_id FROM inbound_messages WHERE outcome = 'unverified' LIMIT 1");

    [Fact]
    public async Task Applying_an_unverified_reply_is_refused_when_a_newer_answer_is_stored_and_dismissing_it_applies_nothing()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");
        var replyTo = checkIn.ReplyTo.Mailboxes.Single().Address;
        await SendAsync(clinic, clinic.Address("kai"), replyTo, "Pain 8", [], checkIn);
        Assert.Equal("unverified", (await ReadOneAsync(clinic)).Outcome);
        var keptId = await LastInboundAsync(clinic);
        clinic.Clock.Advance(TimeSpan.FromHours(2));
        await SendAsync(clinic, clinic.Address("kai"), replyTo, "Pain 3", [Pass(clinic)], checkIn);
        Assert.Equal("answer", (await ReadOneAsync(clinic)).Outcome);

        var apply = await RunAsync(clinic, "reply", "apply", Id(keptId), "--by", "sam@clinic.example");
        var dismiss = await RunAsync(clinic, "reply", "dismiss", Id(keptId), "--by", "sam@clinic.example");
        var notKept = await RunAsync(clinic, "reply", "apply", Id(await LastInboundAsync(clinic)), "--by", "sam@clinic.example");

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("its check-in already holds an answer received after it", apply.Stderr, StringComparison.Ordinal);
        Assert.True(dismiss.ExitCode == 0, dismiss.Stderr);
        Assert.Equal(1, notKept.ExitCode);
        Assert.Contains("is not a reply kept for the therapist (it is answer)", notKept.Stderr, StringComparison.Ordinal);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(3, await db.ExecuteScalarAsync<int>("SELECT pain FROM replies"));
        Assert.Equal(("dismissed", "sam@clinic.example"), await db.QuerySingleAsync<(string, string)>("SELECT decision, decided_by FROM inbound_messages WHERE id = @keptId", new { keptId }));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE kind = 'reply.dismissed' AND actor = 'sam@clinic.example'"));
    }

    [Fact]
    public async Task A_reply_to_a_withdrawn_course_is_held_for_the_therapist_not_applied_nor_alerted_except_self_harm_wording()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");
        await using var db = await clinic.Data.OpenConnectionAsync();
        var courseId = await db.ExecuteScalarAsync<long>("SELECT id FROM courses");
        await clinic.Services.GetRequiredService<CourseChanges>().WithdrawAsync(courseId, "test", default);

        await SendAsync(clinic, clinic.Address("kai"), checkIn.ReplyTo.Mailboxes.Single().Address, "Pain 9, much worse", [Pass(clinic)], checkIn);
        var held = await ReadOneAsync(clinic);
        var heldId = await LastInboundAsync(clinic);
        var apply = await RunAsync(clinic, "reply", "apply", Id(heldId), "--by", "sam@clinic.example");
        var shown = await RunAsync(clinic, "course", "show", Id(courseId));

        Assert.Equal("held", held.Outcome);
        Assert.Contains("of a withdrawn course; kept for the therapist, not applied", held.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts"));
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("is to a withdrawn course: not applied", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("why: reply to check-in", shown.Stdout, StringComparison.Ordinal);

        // The crisis path alone goes on: self-harm wording reaches the course's therapist.
        await SendAsync(clinic, clinic.Address("kai"), checkIn.ReplyTo.Mailboxes.Single().Address, "I want to end my life", [Pass(clinic)], checkIn);
        Assert.Equal("held", (await ReadOneAsync(clinic)).Outcome);
        Assert.Equal(("crisis", courseId), await db.QuerySingleAsync<(string, long)>("SELECT kind, course_id FROM alerts"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM replies"));
    }

    [Fact]
    public async Task A_reply_long_after_its_check_in_expired_is_held_and_never_overwrites_the_stored_answer()
    {
        await using var clinic = await OpenProvingAsync();
        var checkIn = await CheckInToAsync(clinic, "Kai");
        var replyTo = checkIn.ReplyTo.Mailboxes.Single().Address;
        await SendAsync(clinic, clinic.Address("kai"), replyTo, "Pain 3", [Pass(clinic)], checkIn);
        Assert.Equal("answer", (await ReadOneAsync(clinic)).Outcome);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var expires = await db.ExecuteScalarAsync<DateTime>("SELECT expires_at FROM check_ins WHERE status = 'answered'");

        // 40 days after it expired (finding 13), past the 14-day grace: the pain of "the past week" is not that week's.
        clinic.Clock.SetUtcNow(new DateTimeOffset(expires, TimeSpan.Zero).AddDays(40));
        await SendAsync(clinic, clinic.Address("kai"), replyTo, "Pain 9", [Pass(clinic)], checkIn);
        var late = await ReadOneAsync(clinic);
        var apply = await RunAsync(clinic, "reply", "apply", Id(await LastInboundAsync(clinic)), "--by", "sam@clinic.example");

        Assert.Equal("held", late.Outcome);
        Assert.Contains("more than 14 days after it expired", late.Detail, StringComparison.Ordinal);
        Assert.Equal(3, await db.ExecuteScalarAsync<int>("SELECT pain FROM replies"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts"));
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("a held reply never replaces", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, await db.ExecuteScalarAsync<int>("SELECT pain FROM replies"));
    }
}
