using System.Globalization;
using System.Text;
using FollowUp.Replies;
using Xunit.Abstractions;

namespace FollowUp.Tests.Replies.Generated;

/// <summary>
/// Random pains, moods and PHQ-2 answers, written as patients write them in seven languages, wrapped by sixteen mail
/// clients, read back through body selection, quote stripping and parsing. The reading must equal what was meant, or
/// nothing be stored for that item (a clarification is due); never a different number. FU_GENERATED_REPLIES sets the
/// count (100000 outside CI); the scorecard is printed and written to generated-scorecard.txt beside the test binary.
/// </summary>
public class GeneratedReplyTests(ITestOutputHelper output)
{
    [Fact]
    public void Generated_replies_are_read_right_or_left_for_a_clarification_never_stored_wrong()
    {
        ReplyText.EnsureCharsets();
        var count = int.TryParse(Environment.GetEnvironmentVariable("FU_GENERATED_REPLIES"), CultureInfo.InvariantCulture, out var n) ? n : 3000;
        var random = new Random(20261201);
        var byLanguage = new Dictionary<string, Score>();
        var byClient = new Dictionary<string, Score>();
        var wrong = new List<string>();
        var clarified = new List<string>();
        // FU_GENERATED_DUMP=FILE writes every reading, one line each, to compare the reader before and after a change.
        using var dump = Environment.GetEnvironmentVariable("FU_GENERATED_DUMP") is { Length: > 0 } dumpPath ? new StreamWriter(dumpPath) : null;
        for (var i = 0; i < count; i++)
        {
            var language = Patients.Languages[random.Next(Patients.Languages.Length)];
            var client = MailClients.All[random.Next(MailClients.All.Length)];
            var written = Patients.Write(random, language, asksPhq2: random.Next(3) == 0);
            // Answers typed under the questions are answers: a patient who answers in the subject does not also type there.
            var inline = client is "gmail-web" or "thunderbird" or "mutt" or "apple-mail" && random.Next(5) == 0 && written.SubjectAddition is null && written.Subject is null;
            var raw = MailClients.Reply(client, language, written.Text, random, inline);
            if (written.Subject is { } subject)
            {
                // The patient typed the answer over the whole subject.
                var start = raw.IndexOf("\nSubject: ", StringComparison.Ordinal) + "\nSubject: ".Length;
                var encoded = subject.All(char.IsAscii) ? subject : Encoding.ASCII.GetString(MimeKit.Utils.Rfc2047.EncodeText(Encoding.UTF8, subject));
                raw = raw[..start] + encoded + raw[raw.IndexOf('\n', start)..];
            }
            if (written.SubjectAddition is { } addition)
            {
                var subjectEnd = raw.IndexOf('\n', raw.IndexOf("\nSubject: ", StringComparison.Ordinal) + 1);
                // As mail programs send it: a subject with accents or a dash as an RFC 2047 encoded word.
                var encoded = addition.All(char.IsAscii) ? addition : " " + Encoding.ASCII.GetString(MimeKit.Utils.Rfc2047.EncodeText(Encoding.UTF8, addition.Trim()));
                raw = raw[..subjectEnd] + encoded + raw[subjectEnd..];
            }
            var message = Corpus.Parse(Corpus.FillText(raw, Corpus.Offline));
            var ownText = ReplyText.StripQuoted(ReplyText.BodyOf(message));
            var answer = Answer.Parse(ownText, message.Subject);

            var verdict = Judge(written.Meant, answer);
            dump?.WriteLine($"{i}\t{language}/{client}\t{answer.Pain}\t{answer.MoodScore}\t{answer.MoodWord}\t{answer.Phq2A}\t{answer.Phq2B}\t{string.Join("; ", answer.Readings)}\t{string.Join("; ", answer.Doubts)}");
            Tally(byLanguage, language, written.Meant, verdict);
            Tally(byClient, client, written.Meant, verdict);
            if (verdict == Verdict.Clarified && !written.Meant.Ambiguous && clarified.Count < 40)
                clarified.Add($"{language}/{client} [{written.Phrasing}] {written.Text.Replace('\n', '|')} => {answer.Pain} {answer.MoodScore}/{answer.MoodWord} {answer.Phq2A},{answer.Phq2B} ({string.Join("; ", answer.Doubts)})");
            if (verdict == Verdict.Wrong && wrong.Count < 20)
                wrong.Add($"{language}/{client}{(inline ? " inline" : "")} [{written.Phrasing}] meant {written.Meant}, read pain {answer.Pain} mood {answer.MoodScore}/{answer.MoodWord} phq {answer.Phq2A},{answer.Phq2B}\n--- typed:\n{written.Text}\n--- own text:\n{ownText}");
        }

        var card = Scorecard(count, byLanguage, byClient);
        output.WriteLine(card);
        output.WriteLine("Some of those left for a clarification:\n" + string.Join('\n', clarified));
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "generated-scorecard.txt"), card);
        Assert.True(wrong.Count == 0, "wrong stored:\n" + string.Join("\n\n", wrong));
        var total = byLanguage.Values.Aggregate(new Score(), (a, s) => a.Add(s));
        Assert.True(total.RightShare >= 0.98, $"read right on unambiguous replies {total.RightShare:P1}, below 98%\n{card}");
    }

    private enum Verdict { Right, Clarified, Wrong }

    /// <summary>Right: every item meant was read and nothing else. Clarified: something missing, nothing different. Wrong: a stored value differs.</summary>
    private static Verdict Judge(Meant meant, Answer answer)
    {
        if (meant.Ambiguous) return answer.Pain is null && answer.MoodScore is null ? Verdict.Clarified : Verdict.Wrong;
        var pairs = new (object? Meant, object? Read)[]
        {
            (meant.Pain, answer.Pain), (meant.MoodScore, answer.MoodScore), (meant.MoodWord, answer.MoodWord), (meant.Phq2A, answer.Phq2A), (meant.Phq2B, answer.Phq2B),
        };
        if (pairs.Any(p => p.Read is not null && !Equals(p.Meant, p.Read))) return Verdict.Wrong;
        return pairs.All(p => Equals(p.Meant, p.Read)) ? Verdict.Right : Verdict.Clarified;
    }

    private sealed class Score
    {
        public int Unambiguous, Right, Clarified, Wrong, Ambiguous, AmbiguousClarified, AmbiguousWrong;
        public double RightShare => Unambiguous == 0 ? 1 : (double)Right / Unambiguous;

        public Score Add(Score s)
        {
            (Unambiguous, Right, Clarified, Wrong) = (Unambiguous + s.Unambiguous, Right + s.Right, Clarified + s.Clarified, Wrong + s.Wrong);
            (Ambiguous, AmbiguousClarified, AmbiguousWrong) = (Ambiguous + s.Ambiguous, AmbiguousClarified + s.AmbiguousClarified, AmbiguousWrong + s.AmbiguousWrong);
            return this;
        }
    }

    private static void Tally(Dictionary<string, Score> scores, string key, Meant meant, Verdict verdict)
    {
        if (!scores.TryGetValue(key, out var s)) scores[key] = s = new Score();
        if (meant.Ambiguous)
        {
            s.Ambiguous++;
            if (verdict == Verdict.Wrong) s.AmbiguousWrong++;
            else s.AmbiguousClarified++;
            return;
        }
        s.Unambiguous++;
        switch (verdict)
        {
            case Verdict.Right: s.Right++; break;
            case Verdict.Clarified: s.Clarified++; break;
            default: s.Wrong++; break;
        }
    }

    private static string Scorecard(int count, Dictionary<string, Score> byLanguage, Dictionary<string, Score> byClient)
    {
        var card = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Generated replies: {count} (seed 20261201)\n");
        void Table(string title, Dictionary<string, Score> scores)
        {
            card.Append(CultureInfo.InvariantCulture, $"\n| {title} | unambiguous | read right | clarified | wrong stored | ambiguous | clarified | wrong stored |\n|---|---|---|---|---|---|---|---|\n");
            foreach (var (key, s) in scores.OrderBy(p => p.Key, StringComparer.Ordinal).Append(new("all", scores.Values.Aggregate(new Score(), (a, s) => a.Add(s)))))
                card.Append(CultureInfo.InvariantCulture,
                    $"| {key} | {s.Unambiguous} | {s.Right} ({s.RightShare:P1}) | {s.Clarified} | {s.Wrong} | {s.Ambiguous} | {s.AmbiguousClarified} | {s.AmbiguousWrong} |\n");
        }
        Table("language", byLanguage);
        Table("client", byClient);
        return card.ToString();
    }
}
