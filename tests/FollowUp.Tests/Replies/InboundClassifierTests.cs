using FollowUp.Alerts;
using FollowUp.Mail;
using FollowUp.Replies;
using MimeKit;

namespace FollowUp.Tests.Replies;

/// <summary>The inbox's pure steps, no servers: what a message is (classifier) and what becomes of it once matched (decision).</summary>
public class InboundClassifierTests
{
    private static readonly ClinicOptions Clinic = new()
    {
        Name = "Test Clinic", FromAddress = "checkins@clinic.example", ReplyAddress = "replies@clinic.example", TokenKey = new string('k', 32),
    };

    private static readonly SampleValues Values = new("patient@example.org", "Dana Sample", "replies+c1-abcdefghijklmnop@clinic.example",
        "replies@clinic.example", "checkins@clinic.example", "checkin.c1-abcdefghijklmnop@clinic.example", "replies+c2-bcdefghijklmnopq@clinic.example", "clinic.example");

    private static readonly CheckInRef CheckIn = new() { Id = 7, CourseId = 3, PatientId = 5, PatientEmail = "patient@example.org", Status = "sent" };

    private static (MimeMessage Message, Classification Classified) Classify(string file)
    {
        var message = Corpus.Parse(Corpus.Fill(Corpus.Get(file), Values));
        return (message, InboundClassifier.Classify(message, Clinic, new InboxOptions(), CrisisWords.Default));
    }

    [Fact]
    public void A_hard_bounce_is_a_delivery_report_with_the_typed_action_failed_its_status_and_the_original_it_quotes()
    {
        var (_, classified) = Classify("dsn-hard-rfc822.eml");

        Assert.Equal(InboundKind.DeliveryReport, classified.Kind);
        Assert.Equal(new DeliveryReport(DeliveryAction.Failed, "5.1.1", Values.MessageId) { RawAction = "failed" }, classified.Report);
        Assert.Equal("delivery report: action failed 5.1.1", classified.Detail);
    }

    [Fact]
    public void A_delayed_delivery_report_is_typed_delayed_with_its_4xx_status()
    {
        var (message, classified) = Classify("dsn-delayed.eml");

        Assert.Equal((DeliveryAction.Delayed, "4.4.1"), (classified.Report!.Action, classified.Report.Status));
        var decided = Inbound.Decide(classified, new ReplyMatch(CheckIn, MatchedBy.Threading, null), message);
        Assert.Equal((InboundOutcome.Bounce, DeliveryAction.Delayed, 7L), (decided.Outcome, decided.Delivery, decided.CheckIn!.Id));
    }

    [Theory]
    [InlineData("failed", "Failed")]
    [InlineData(" Delayed ", "Delayed")]
    [InlineData("DELIVERED", "Delivered")]
    [InlineData("relayed", "Relayed")]
    [InlineData("expanded", "Expanded")]
    [InlineData("failed; see below", "Unknown")]
    [InlineData(null, "Unknown")]
    public void Each_RFC_3464_action_is_read_as_its_typed_value_and_anything_else_as_unknown(string? field, string expected) =>
        Assert.Equal(Enum.Parse<DeliveryAction>(expected), DeliveryReport.ParseAction(field));

    [Fact]
    public void An_out_of_office_reply_is_automatic_and_says_the_patient_is_away_a_bulk_mailing_does_not()
    {
        var (message, away) = Classify("auto-exchange-ooo.eml");
        var (_, bulk) = Classify("auto-precedence-bulk.eml");

        Assert.Equal((InboundKind.AutomaticReply, true), (away.Kind, away.OutOfOffice));
        Assert.Equal((InboundKind.AutomaticReply, false), (bulk.Kind, bulk.OutOfOffice));
        var decided = Inbound.Decide(away, new ReplyMatch(CheckIn, MatchedBy.ReplyToken, null), message);
        Assert.Equal((InboundOutcome.AutoReply, true, 7L), (decided.Outcome, decided.OutOfOffice, decided.CheckIn!.Id));
        Assert.Null(decided.Answer);
    }

    [Fact]
    public void Our_own_mail_coming_back_is_refused_as_a_loop_and_never_answered()
    {
        var (message, classified) = Classify("loop-x-loop.eml");

        Assert.Equal(InboundKind.Refused, classified.Kind);
        Assert.StartsWith("mail loop", classified.Detail, StringComparison.Ordinal);
        Assert.Equal(InboundOutcome.Rejected, Inbound.Decide(classified, ReplyMatch.None, message).Outcome);
    }

    [Fact]
    public void A_patients_reply_matched_by_its_token_is_an_answer_that_says_how_it_was_matched()
    {
        var (message, classified) = Classify("german-gmail.eml");

        Assert.Equal(InboundKind.Personal, classified.Kind);
        Assert.NotNull(classified.Answer!.Pain);
        var decided = Inbound.Decide(classified, new ReplyMatch(CheckIn, MatchedBy.ReplyToken, null), message);
        Assert.Equal((InboundOutcome.Answer, MatchedBy.ReplyToken), (decided.Outcome, decided.MatchedBy));
        Assert.StartsWith("matched by reply token; ", decided.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void STOP_from_the_matched_patient_is_an_opt_out()
    {
        var (message, classified) = Classify("stop-body.eml");

        Assert.Equal(InboundOutcome.OptOut, Inbound.Decide(classified, new ReplyMatch(CheckIn, MatchedBy.Threading, null), message).Outcome);
    }

    [Fact]
    public void A_reply_tied_to_no_check_in_is_unmatched_with_the_matchers_reason_and_keeps_its_self_harm_flag()
    {
        var (message, classified) = Classify("crisis-without-numbers.eml");

        var decided = Inbound.Decide(classified, new ReplyMatch(null, null, NotMatched.NotThePatient, CheckIn), message);

        Assert.Equal(InboundOutcome.Unmatched, decided.Outcome);
        Assert.Equal("sender is not the patient of check-in 7", decided.Detail);
        Assert.Null(decided.CheckIn);
        Assert.True(decided.Crisis);
    }
}
