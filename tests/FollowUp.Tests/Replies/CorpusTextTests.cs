using FollowUp.Mail;
using FollowUp.Replies;
using MimeKit;

namespace FollowUp.Tests.Replies;

/// <summary>Each corpus sample through the pure steps: classification, body, quote stripping, parsing.</summary>
public class CorpusTextTests
{
    internal static readonly ClinicOptions Clinic = new()
    {
        Name = "Test Clinic", FromAddress = "checkins@clinic.example", ReplyAddress = "replies@clinic.example", TokenKey = new string('k', 32),
    };

    internal static readonly SampleValues Values = new("patient@example.org", "Dana Sample", "replies+c1-abcdefghijklmnop@clinic.example",
        "replies@clinic.example", "checkins@clinic.example", "checkin.c1-abcdefghijklmnop@clinic.example", "replies+c2-bcdefghijklmnopq@clinic.example", "clinic.example");

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_sample_is_classified_and_read_as_its_table_says(string file)
    {
        var sample = Corpus.Get(file);
        var message = Corpus.Parse(Corpus.Fill(sample, Values));
        // Delivered by LMTP, a message carries the envelope sender as Return-Path.
        message.Headers.Insert(0, new Header(HeaderId.ReturnPath, sample.EnvelopeFrom == "<>" ? "<>" : "<patient@example.org>"));

        var kind = Automatic.IsDeliveryReport(message) ? "bounce"
            : Automatic.LoopReason(message, Clinic) is not null ? "rejected"
            : Automatic.AutoReplyReason(message) is not null ? "auto_reply"
            : "person";
        var expectedKind = sample.Outcome is "answer" or "opt_out" or "unmatched" ? "person" : sample.Outcome;
        Assert.Equal(expectedKind, kind);
        if (sample.Outcome == "auto_reply") Assert.Equal(sample.OutOfOffice, Automatic.IsOutOfOffice(message));
        if (sample.Outcome is not ("answer" or "opt_out")) return;

        var ownText = ReplyText.StripQuoted(ReplyText.BodyOf(message));
        if (sample.OwnText is not null) Assert.Equal(sample.OwnText, ownText);
        Assert.DoesNotContain("0 to 10", ownText, StringComparison.Ordinal);
        var answer = Answer.Parse(ownText, message.Subject);
        Assert.Equal(sample.Outcome == "opt_out", answer.OptOut);
        if (answer.OptOut) return;
        Assert.Equal(
            (sample.Status, sample.Pain, sample.MoodScore, sample.MoodWord, sample.Phq2a, sample.Phq2b, sample.Crisis),
            (AnswerNames.Of(answer.Status), answer.Pain, answer.MoodScore, answer.MoodWord, answer.Phq2A, answer.Phq2B, answer.Crisis));
    }

    [Fact]
    public void The_corpus_covers_every_client_and_case_of_the_issue()
    {
        Assert.True(Corpus.All.Count >= 200, $"{Corpus.All.Count} samples");
        Assert.All(Corpus.All, s => Assert.True(File.Exists(Path.Combine(Corpus.Folder, s.File)), s.File));
        Assert.Equal(Corpus.All.Count, Directory.GetFiles(Corpus.Folder, "*.eml").Length);
        foreach (var outcome in (string[])["answer", "opt_out", "unmatched", "bounce", "auto_reply", "rejected"])
            Assert.Contains(Corpus.All, s => s.Outcome == outcome);
    }

    public static TheoryData<string> Files => Corpus.Files;
}
