using System.Net;
using Dapper;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Web;

/// <summary>
/// The patient pages over HTTP, as a mail scanner, a mail program's one-click and a patient's phone send them: only a
/// POST records, through the inbox's own store; a link that does not work says so and stores nothing; one patient's
/// link never shows or changes another's.
/// </summary>
public class PatientPagesTests
{
    private static readonly Dictionary<string, string?> AlertAtOnce = new() { ["FollowUp:Alerts:ConfirmingCheckIn"] = "false" };

    [Fact]
    public async Task Opening_the_answer_and_unsubscribe_links_as_a_mail_scanner_does_records_nothing()
    {
        await using var clinic = await PatientClinic.OpenAsync();
        await clinic.SendOnAsync(9);
        var email = await PatientClinic.NewestEmailAsync(clinic.Dana);
        var before = await clinic.RecordsAsync();

        using var scanner = clinic.Web.NewBrowser();
        var answer = await scanner.GetAsync(PatientClinic.PathOf(PatientClinic.AnswerLink(email)));
        var unsubscribe = await scanner.GetAsync(PatientClinic.PathOf(PatientClinic.UnsubscribeLink(email)));
        using var head = await scanner.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, PatientClinic.PathOf(PatientClinic.UnsubscribeLink(email))));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains("name=\"pain\"", answer.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, unsubscribe.Status);
        Assert.Contains("Stop the emails", unsubscribe.Body, StringComparison.Ordinal);
        Assert.Equal(before, await clinic.RecordsAsync());
        Assert.Equal("sent", await StatusAsync(clinic, clinic.DanaCourse, 1));
    }

    [Fact]
    public async Task An_answer_sent_from_the_page_is_stored_and_assessed_like_an_email_reply_and_a_second_one_changes_nothing()
    {
        await using var clinic = await PatientClinic.OpenAsync(AlertAtOnce);
        await clinic.SendOnAsync(9);
        var path = PatientClinic.PathOf(PatientClinic.AnswerLink(await PatientClinic.NewestEmailAsync(clinic.Dana)));
        using var phone = clinic.Web.NewBrowser();

        var sent = await phone.PostAsync(path, new Dictionary<string, string> { ["pain"] = "7", ["mood"] = "3" }, path);
        var after = await clinic.RecordsAsync();
        // The phone's back button and Send again: the form it still shows carries a valid antiforgery token (any of this browser's is).
        var again = await phone.PostAsync(path, new Dictionary<string, string> { ["pain"] = "1", ["mood"] = "9" }, "/signin");

        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains("your answer has been recorded", sent.Body, StringComparison.Ordinal);
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        var reply = await connection.QuerySingleAsync<(int Pain, int Mood, string Text, string Mailbox, string Outcome)>("""
            SELECT r.pain, r.mood_score, r.answer_text, m.mailbox, m.outcome FROM replies r JOIN inbound_messages m ON m.id = r.inbound_message_id
            """);
        Assert.Equal((7, 3, "Pain 7, mood 3", "web/answer", "answer"), reply);
        Assert.Equal("answered", await StatusAsync(clinic, clinic.DanaCourse, 1));
        // The assessment ran as for an email: pain back up from 3 to 7 after the course is an alert for Amy.
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM alerts WHERE course_id = @c AND kind = 'late_worsening' AND status = 'open'", new { c = clinic.DanaCourse }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE actor = 'web' AND kind = 'reply.stored'"));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Contains("answered already", again.Body, StringComparison.Ordinal);
        Assert.Equal(after, await clinic.RecordsAsync());
        Assert.Equal(7, await connection.ExecuteScalarAsync<int>("SELECT pain FROM replies"));
    }

    [Theory]
    [InlineData("11", "3")]
    [InlineData("-1", "3")]
    [InlineData("7", "")]
    [InlineData("0x7", "3")]
    [InlineData("\u0667", "3")] // an Arabic-Indic seven
    [InlineData("007", "3")]
    [InlineData(" 7", "3")]
    public async Task A_page_sent_with_a_question_left_out_or_a_value_no_button_gives_stores_nothing_and_asks_again(string pain, string mood)
    {
        await using var clinic = await PatientClinic.OpenAsync();
        await clinic.SendOnAsync(9);
        var path = PatientClinic.PathOf(PatientClinic.AnswerLink(await PatientClinic.NewestEmailAsync(clinic.Dana)));
        var before = await clinic.RecordsAsync();
        using var phone = clinic.Web.NewBrowser();

        var sent = await phone.PostAsync(path, new Dictionary<string, string> { ["pain"] = pain, ["mood"] = mood }, path);

        Assert.Equal(HttpStatusCode.BadRequest, sent.Status);
        Assert.Contains("Please choose an answer to every question", sent.Body, StringComparison.Ordinal);
        Assert.Equal(before, await clinic.RecordsAsync());
        Assert.Equal("sent", await StatusAsync(clinic, clinic.DanaCourse, 1));
    }

    [Fact]
    public async Task A_forged_foreign_unsent_or_expired_link_gets_a_clear_page_and_stores_nothing()
    {
        await using var clinic = await PatientClinic.OpenAsync();
        await clinic.SendOnAsync(9);
        var link = PatientClinic.AnswerLink(await PatientClinic.NewestEmailAsync(clinic.Dana));
        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..];
        var unsent = await CheckInIdAsync(clinic, clinic.DanaCourse, 2);
        var forged = token[..^1] + (token[^1] == 'a' ? 'b' : 'a');
        var alertToken = clinic.Clinic.Tokens.Create('a', 1);
        var unsentToken = clinic.Clinic.Tokens.Create('c', unsent);
        var before = await clinic.RecordsAsync();
        using var phone = clinic.Web.NewBrowser();

        foreach (var bad in new[] { forged, alertToken, unsentToken, "", "c1", new string('c', 5000) })
        {
            var get = await phone.GetAsync($"/answer?token={Uri.EscapeDataString(bad)}");
            var post = await phone.PostAsync($"/answer?token={Uri.EscapeDataString(bad)}", new Dictionary<string, string> { ["pain"] = "4", ["mood"] = "5" }, "/signin");
            var stop = await phone.PostBareAsync($"/unsubscribe?token={Uri.EscapeDataString(bad)}", new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" });
            Assert.Equal(HttpStatusCode.NotFound, get.Status);
            Assert.Contains("This link does not work", get.Body, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, post.Status);
            Assert.Equal(HttpStatusCode.NotFound, stop.StatusCode);
        }
        // Past the check-in's expiry: closed, and the page says the next one comes by email.
        await using (var connection = await clinic.Clinic.Data.OpenConnectionAsync())
            clinic.Clinic.Clock.SetUtcNow(new DateTimeOffset(await connection.ExecuteScalarAsync<DateTime>("SELECT expires_at FROM check_ins WHERE course_id = @c AND sequence = 1", new { c = clinic.DanaCourse }), TimeSpan.Zero).AddMinutes(1));
        var expired = await phone.GetAsync(PatientClinic.PathOf(link));
        var late = await phone.PostAsync(PatientClinic.PathOf(link), new Dictionary<string, string> { ["pain"] = "4", ["mood"] = "5" }, "/signin");
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("the time to answer it has passed", expired.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, late.Status);
        Assert.Equal(before, await clinic.RecordsAsync());
    }

    [Fact]
    public async Task A_one_click_post_from_the_mail_program_unsubscribes_at_once_like_stop_and_the_next_check_in_is_not_sent()
    {
        await using var clinic = await PatientClinic.OpenAsync();
        await clinic.SendOnAsync(9);
        var email = await PatientClinic.NewestEmailAsync(clinic.Dana);
        Assert.Equal("List-Unsubscribe=One-Click", email.Headers["List-Unsubscribe-Post"]);
        var path = PatientClinic.PathOf(PatientClinic.UnsubscribeLink(email));
        using var mailProgram = clinic.Web.NewBrowser();
        var before = await clinic.RecordsAsync();

        // Without the one-click body a POST needs the page's antiforgery token: another site's form cannot unsubscribe anyone.
        var forgedForm = await mailProgram.PostBareAsync(path, new Dictionary<string, string> { ["confirm"] = "yes" });
        Assert.Equal(HttpStatusCode.BadRequest, forgedForm.StatusCode);
        Assert.Equal(before, await clinic.RecordsAsync());

        // RFC 8058 §3.1: the mail program POSTs exactly this body, with no cookie of ours.
        var oneClick = await mailProgram.PostBareAsync(path, new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" });
        var twice = await mailProgram.PostBareAsync(path, new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" });

        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.NotNull(await connection.ExecuteScalarAsync<DateTime?>("SELECT opted_out_at FROM patients WHERE email = @dana", new { dana = clinic.Dana }));
        Assert.Null(await connection.ExecuteScalarAsync<DateTime?>("SELECT opted_out_at FROM patients WHERE email = @bart", new { bart = clinic.Bart }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM inbound_messages WHERE mailbox = 'web/unsubscribe' AND outcome = 'opt_out'"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE actor = 'web' AND kind = 'inbound.opt_out'"));
        // The patient hears that it was heard, as after a STOP reply, in their mailbox.
        var confirmation = await PatientClinic.NewestEmailAsync(clinic.Dana, 2);
        Assert.Contains("you will get no more emails", confirmation.Subject, StringComparison.Ordinal);

        await clinic.SendOnAsync(16);
        Assert.Equal("cancelled", await StatusAsync(clinic, clinic.DanaCourse, 2));
        Assert.Equal(2, (await new Mailbox(clinic.Dana).MessagesAsync()).Count);
        Assert.Equal("sent", await StatusAsync(clinic, clinic.BartCourse, 2));
    }

    [Fact]
    public async Task A_link_of_one_patient_never_shows_or_changes_another_patient()
    {
        await using var clinic = await PatientClinic.OpenAsync();
        await clinic.SendOnAsync(9);
        var danas = PatientClinic.AnswerLink(await PatientClinic.NewestEmailAsync(clinic.Dana));
        var tag = danas[(danas.LastIndexOf('-') + 1)..];
        var bartsCheckIn = await CheckInIdAsync(clinic, clinic.BartCourse, 1);
        using var dana = clinic.Web.NewBrowser();

        // Dana's tag on Bartholomew's check-in id: refused like any forgery.
        var swapped = $"/answer?token=c{bartsCheckIn}-{tag}";
        var look = await dana.GetAsync(swapped);
        var post = await dana.PostAsync(swapped, new Dictionary<string, string> { ["pain"] = "9", ["mood"] = "1" }, PatientClinic.PathOf(danas));
        var stop = await dana.PostBareAsync(swapped.Replace("/answer", "/unsubscribe", StringComparison.Ordinal), new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" });
        // Her own link: her page, which names nobody (a forwarded email shows no one's name), and changes only her check-in.
        var own = await dana.GetAsync(PatientClinic.PathOf(danas));
        var answered = await dana.PostAsync(PatientClinic.PathOf(danas), new Dictionary<string, string> { ["pain"] = "4", ["mood"] = "6" }, PatientClinic.PathOf(danas));

        Assert.Equal(HttpStatusCode.NotFound, look.Status);
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Equal(HttpStatusCode.NotFound, stop.StatusCode);
        foreach (var body in new[] { look.Body, post.Body, own.Body, answered.Body })
        {
            Assert.DoesNotContain("Bartholomew", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Dana", body, StringComparison.Ordinal);
        }
        Assert.Equal("answered", await StatusAsync(clinic, clinic.DanaCourse, 1));
        Assert.Equal("sent", await StatusAsync(clinic, clinic.BartCourse, 1));
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id WHERE ci.course_id = @c", new { c = clinic.BartCourse }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM patients WHERE opted_out_at IS NOT NULL"));
    }

    private static async Task<string> StatusAsync(PatientClinic clinic, long courseId, int sequence)
    {
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT status FROM check_ins WHERE course_id = @courseId AND sequence = @sequence", new { courseId, sequence }) ?? "";
    }

    private static async Task<long> CheckInIdAsync(PatientClinic clinic, long courseId, int sequence)
    {
        await using var connection = await clinic.Clinic.Data.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT id FROM check_ins WHERE course_id = @courseId AND sequence = @sequence", new { courseId, sequence });
    }
}
