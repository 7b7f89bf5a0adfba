using Dapper;
using FollowUp.Courses;
using FollowUp.Replies;
using FollowUp.Tests.Support;
using FollowUp.Demo;

namespace FollowUp.Tests.Replies;

/// <summary>
/// A question the check-in asked and the reply left unread is never lost without a trace: the check-in stays open and
/// says what it waits for, one clarification asks for it, and the reply that gives it closes the check-in.
/// </summary>
public class MissingAnswerTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SecondCheckInDue = new(2026, 11, 16, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Mood is good, thanks", false, new string[] { "pain" })]
    [InlineData("Pain 4, mood okay", true, new[] { "phq2_a", "phq2_b" })]
    [InlineData("Pain 4, interest 1", true, new[] { "phq2_b" })]
    [InlineData("Not sure what to say really.", true, new[] { "pain", "phq2_a", "phq2_b" })]
    [InlineData("Pain 4", false, new string[0])]
    [InlineData("Pain 4, mood okay, interest 0, down 1", true, new string[0])]
    public void A_check_in_waits_for_pain_always_and_for_both_PHQ_2_items_where_it_asks_them_but_not_for_the_mood(string reply, bool asksPhq2, string[] unread) =>
        Assert.Equal(unread, Answer.Parse(reply).Unread(asksPhq2));

    [Fact]
    public async Task A_reply_with_a_mood_but_no_pain_keeps_the_check_in_open_asks_once_for_the_pain_and_the_pain_reply_closes_it()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (courseId, mia, mailbox, checkIn) = await FirstCheckInAsync(clinic, "Mia");

        await ReplyAndReadAsync(clinic, mia, checkIn, "Mood is good, thanks");

        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("sent", await db.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE sequence = 1"));
        var reply = await db.QuerySingleAsync<(short? Pain, string? MoodWord, string AnswerStatus, string AnswerText)>("SELECT pain, mood_word, answer_status, answer_text FROM replies");
        Assert.Equal(((short?)null, "good", "partial", "Mood is good, thanks"), reply);
        var shown = (await new CourseQuery(clinic.Data).ShowAsync(courseId, default))!.CheckIns.Single(c => c.Sequence == 1);
        Assert.Equal(["pain"], shown.Awaiting ?? []);
        // Mia is not silent: her reminders stop, and the one clarification asks for the pain.
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM reminders WHERE kind = 'reminder' AND status = 'planned'"));
        var clarification = (await mailbox.WaitForAsync(2))[1];
        Assert.Equal("auto-replied", clarification.Headers["Auto-Submitted"]);
        Assert.Equal(clinic.RepliesAddress, clarification.Headers["X-Loop"]);
        Assert.Contains("Pain: a number from 0 to 10", clarification.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Interest:", clarification.TextBody, StringComparison.Ordinal);

        await ReplyAndReadAsync(clinic, mia, clarification, "pain 5");

        Assert.Equal(("answered", (string[]?)null), await db.QuerySingleAsync<(string, string[]?)>("SELECT status, awaiting FROM check_ins WHERE sequence = 1"));
        var merged = await db.QuerySingleAsync<(short? Pain, string? MoodWord, string AnswerStatus)>("SELECT pain, mood_word, answer_status FROM replies");
        Assert.Equal(((short?)5, "good", "complete"), merged);
        Assert.Equal(2, (await mailbox.MessagesAsync()).Count);
    }

    [Fact]
    public async Task A_reply_with_pain_but_no_PHQ_2_on_a_week_that_asks_it_gets_the_clarification_for_the_PHQ_2()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (_, noa, mailbox, firstCheckIn) = await FirstCheckInAsync(clinic, "Noa");
        await ReplyAndReadAsync(clinic, noa, firstCheckIn, "Pain 3, mood good");
        clinic.Clock.SetUtcNow(SecondCheckInDue);
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var secondCheckIn = (await mailbox.WaitForAsync(2))[1];
        Assert.Contains("Interest:", secondCheckIn.TextBody, StringComparison.Ordinal);

        await ReplyAndReadAsync(clinic, noa, secondCheckIn, "Pain 4, mood okay");

        await using var db = await clinic.Data.OpenConnectionAsync();
        var second = await db.QuerySingleAsync<(string Status, string[] Awaiting)>("SELECT status, awaiting FROM check_ins WHERE sequence = 2");
        Assert.Equal("sent", second.Status);
        Assert.Equal(["phq2_a", "phq2_b"], second.Awaiting);
        var clarification = (await mailbox.WaitForAsync(3))[2];
        Assert.Equal("auto-replied", clarification.Headers["Auto-Submitted"]);
        Assert.Contains("Interest: little interest or pleasure in doing things?", clarification.TextBody, StringComparison.Ordinal);
        Assert.Contains("Down: feeling down, depressed, or hopeless?", clarification.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Pain: a number", clarification.TextBody, StringComparison.Ordinal);

        await ReplyAndReadAsync(clinic, noa, clarification, "Interest 1, down 0");

        Assert.Equal("answered", await db.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE sequence = 2"));
        var merged = await db.QuerySingleAsync<(short? Pain, short? Phq2A, short? Phq2B)>(
            "SELECT r.pain, r.phq2_a, r.phq2_b FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id WHERE ci.sequence = 2");
        Assert.Equal(((short?)4, (short?)1, (short?)0), merged);
        Assert.Equal(3, (await mailbox.MessagesAsync()).Count);
    }

    [Fact]
    public async Task A_complete_reply_closes_the_check_in_without_a_clarification()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (_, oli, mailbox, checkIn) = await FirstCheckInAsync(clinic, "Oli");

        await ReplyAndReadAsync(clinic, oli, checkIn, "Pain 3, mood good");

        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(("answered", (string[]?)null), await db.QuerySingleAsync<(string, string[]?)>("SELECT status, awaiting FROM check_ins WHERE sequence = 1"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM reminders WHERE kind = 'clarification'"));
        Assert.Single(await mailbox.MessagesAsync());
    }

    [Fact]
    public async Task A_mood_only_reply_with_self_harm_wording_stays_open_without_a_clarification()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var (_, pia, _, checkIn) = await FirstCheckInAsync(clinic, "Pia");

        await ReplyAndReadAsync(clinic, pia, checkIn, "Mood low. Some days I want to die.");

        await using var db = await clinic.Data.OpenConnectionAsync();
        var open = await db.QuerySingleAsync<(string Status, string[] Awaiting)>("SELECT status, awaiting FROM check_ins WHERE sequence = 1");
        Assert.Equal("sent", open.Status);
        Assert.Equal(["pain"], open.Awaiting);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM reminders WHERE kind = 'clarification'"));
        Assert.True(await db.ExecuteScalarAsync<bool>("SELECT crisis_flag FROM replies"));
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE kind = 'crisis'"));
    }

    /// <summary>A patient enrolled on Monday whose first check-in (week 1: pain and mood, no PHQ-2) has reached their mailbox.</summary>
    private static async Task<(long CourseId, SimulatedPatient Patient, Mailbox Mailbox, MimeKit.MimeMessage CheckIn)> FirstCheckInAsync(Clinic clinic, string name)
    {
        var courseId = await clinic.EnrolAsync(name);
        var patient = new SimulatedPatient(clinic.Address(name.ToLowerInvariant()), clinic.Imap, Clinic.Smtp);
        var mailbox = new Mailbox(patient.Address);
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        return (courseId, patient, mailbox, (await mailbox.WaitForAsync(1)).Single());
    }

    private static async Task ReplyAndReadAsync(Clinic clinic, SimulatedPatient patient, MimeKit.MimeMessage to, string text)
    {
        clinic.Clock.Advance(TimeSpan.FromHours(2));
        await patient.ReplyAsync(to, text, clinic.Clock.GetUtcNow(), default);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        Assert.Equal(1, (await clinic.Inbox.ReadAsync(default)).Answers);
    }
}
