using System.Text.RegularExpressions;
using FollowUp.Alerts;
using FollowUp.Languages;

namespace FollowUp.Replies;

/// <summary>How much of the check-in's questions a reply answered.</summary>
// Public because the tests' theory data name its members (xUnit test methods are public).
public enum AnswerStatus { Complete, Partial, Unclear }

/// <summary>
/// What a reply said: pain 0-10, mood (0-10 or a word) and the two PHQ-2 items (0-3), each only if the patient clearly
/// gave it, in any answering language (Languages/). Never guessed: a number out of range, two different numbers for the
/// same item, a range ("3-4", "5 or 6"), a comparison, or any number left unexplained leave the numbers empty. <see cref="CrisisTerms"/> lists self-harm wording found in the patient's own text, whatever the numbers.
/// </summary>
internal sealed partial record Answer(int? Pain, int? MoodScore, string? MoodWord, bool OptOut)
{
    public int? Phq2A { get; init; }
    public int? Phq2B { get; init; }
    public IReadOnlyList<string> CrisisTerms { get; init; } = [];
    /// <summary>Why an item was left empty although the text mentioned it (out of range, contradictory, a range).</summary>
    public IReadOnlyList<string> Doubts { get; init; } = [];

    public bool HasAnything => Pain is not null || MoodScore is not null || MoodWord is not null || Phq2A is not null || Phq2B is not null;

    public bool Crisis => CrisisTerms.Count > 0;

    /// <summary>Complete = pain and mood (what the check-in asks); partial = some of it; unclear = nothing usable.</summary>
    public AnswerStatus Status =>
        Pain is not null && (MoodScore is not null || MoodWord is not null) ? AnswerStatus.Complete
        : HasAnything ? AnswerStatus.Partial
        : AnswerStatus.Unclear;

    /// <summary>
    /// The questions of the check-in this answer leaves unread, named as check_ins.awaiting names them: pain, asked every
    /// time, and both PHQ-2 items on a check-in that asks them. A check-in is answered only when none is left. Mood is not
    /// among them: the brief asks it as a trend signal only, and a second email for it would cost more than it tells.
    /// </summary>
    public string[] Unread(bool asksPhq2)
    {
        var unread = new List<string>(3);
        if (Pain is null) unread.Add("pain");
        if (asksPhq2 && Phq2A is null) unread.Add("phq2_a");
        if (asksPhq2 && Phq2B is null) unread.Add("phq2_b");
        return [.. unread];
    }

    /// <summary>What was read and from which words ("pain 6 from \"about 6 today\""), for the therapist and `reply explain`.</summary>
    public IReadOnlyList<string> Readings { get; init; } = [];

    /// <summary>Reads an answer from the reply's own text (quoted history already removed), in any answering language.</summary>
    public static Answer Parse(string text, string? subject = null, CrisisWords? crisisWords = null)
    {
        var normalized = Normalize(text);
        var crisis = (crisisWords ?? CrisisWords.Default).Find(normalized);
        if (IsStop(text) || (subject is not null && IsStop(StripSubjectPrefixes(Normalize(subject)))))
            return new Answer(null, null, null, OptOut: true) { CrisisTerms = crisis };

        var reader = AnswerReader.Of(text);
        if (SubjectAnswer(reader, subject) is { } fromSubject) reader = fromSubject;
        var pain = reader.Single("pain", 10);
        var (moodScore, moodWord) = reader.Mood();
        var (phqA, phqB) = reader.Phq2();
        var readings = reader.Read;
        if (reader.NumbersDoubtful && (pain is not null || moodScore is not null))
        {
            // A number left over, a range or a comparison anywhere: the numbers read may be the wrong ones.
            reader.Doubts.Add("numbers not stored: " + string.Join(", ", readings.Where(r => !r.StartsWith("mood ", StringComparison.Ordinal) || moodScore is not null)));
            readings = readings.Where(r => r.StartsWith("mood ", StringComparison.Ordinal) && moodWord is not null || r.StartsWith("phq-2", StringComparison.Ordinal) && phqA is not null).ToList();
            (pain, moodScore) = (null, null);
        }
        return new Answer(pain, moodScore, moodWord, OptOut: false)
        {
            Phq2A = phqA, Phq2B = phqB, CrisisTerms = crisis, Doubts = reader.Doubts, Readings = readings,
        };
    }

    /// <summary>
    /// "Re: Check-in — 4", "Re: …course? pain 3 mood good", "Pain 4 mood ok": when the body gives nothing, what the
    /// patient typed after the check-in's own subject, or as the whole subject. Only the words after its last question
    /// mark, dash or colon (all of it when it has none), only when they are not the check-in's wording, and only when
    /// they read without a doubt: the subject's own numbers ("2 weeks", "your 6-week check-in") never count.
    /// </summary>
    private static AnswerReader? SubjectAnswer(AnswerReader body, string? subject)
    {
        if (subject is null || body.Doubts.Count > 0 || body.FoundAnything) return null;
        var stripped = StripSubjectPrefixes(Normalize(subject));
        var cut = stripped.LastIndexOfAny(['?', '\u2014', '\u2013', ':']);
        var dash = stripped.LastIndexOf(" - ", StringComparison.Ordinal);
        cut = Math.Max(cut, dash < 0 ? -1 : dash + 2);
        // No question mark, dash or colon: the patient wrote the whole subject ("Pain 4 mood ok", "pijn 2 stemming goed").
        var typed = stripped[(cut + 1)..].Trim();
        if (typed.Length == 0 || NotAnAnswer.CheckInLines.Contains(Lexicon.Fold(typed))) return null;
        var reader = AnswerReader.Of(typed);
        var read = reader.Single("pain", 10) is not null || reader.Mood() != (null, null);
        if (!read || reader.NumbersDoubtful || reader.Doubts.Count > 0) return null;
        // Read again by Parse: what this check added is cleared, and the therapist is told where the answer stood.
        reader.Read.Clear();
        reader.Read.Add($"the body gives no answer; read from the subject line (\"{typed}\")");
        return reader;
    }

    internal static string Normalize(string text) =>
        text.Replace('\u2019', '\'').Replace('\u2018', '\'').Replace('\u00a0', ' ').Replace("\r\n", "\n", StringComparison.Ordinal)
            .Trim().ToLowerInvariant();

    /// <summary>A request to stop, in any language: the whole reply a stop word ("STOP", "abmelden", "désabonner"), or a
    /// sentence that asks for it in the first person ("je ne souhaite plus recevoir ces e-mails").</summary>
    private static bool IsStop(string text)
    {
        var folded = Lexicon.Fold(text).Trim();
        return Stop.IsMatch(folded) || OptOutSentence.IsMatch(folded);
    }

    private static readonly Regex Stop = LexiconPatterns.Pattern($@"^\W*{LexiconPatterns.Words(Lexicon.Union(l => l.Stop))}\W*$");

    // Up to two plain words between the verb and the mail word ("these", "your follow-up"); a comma or a full stop ends
    // the request, so "I don't want any more pain, your emails help" is no opt-out.
    // A verb split around its object ("melden Sie mich von diesen Nachfragen ab") is written "melden sie mich … ab": up
    // to four plain words may stand at the "…".
    // Only ever asked whether it matches, so the whole requests go into one trie of words and only the split ones
    // ("melden sie mich … ab") and the receive-then-mail-word frame stand beside it.
    private static readonly Regex OptOutSentence = LexiconPatterns.Pattern(string.Join('|', Lexicon.Union(l => l.OptOut)
            .Where(e => e.Contains(" … ", StringComparison.Ordinal))
            .Select(e => e.Split(" … ") is [var head, var tail]
                ? $@"{LexiconPatterns.Words([head])}(?:[ \t]+[\w'-]+){{0,4}}[ \t]+{LexiconPatterns.Words([tail])}"
                : LexiconPatterns.Words([e]))
            .Prepend(LexiconPatterns.Words(Lexicon.Union(l => l.OptOut).Where(e => !e.Contains(" … ", StringComparison.Ordinal))))
            .Append($@"{LexiconPatterns.Words(Lexicon.Union(l => l.OptOutReceive))}(?:[ \t]+[\w'-]+){{0,2}}[ \t]+{LexiconPatterns.Words(Lexicon.Union(l => l.MailWords))}")));

    private static string StripSubjectPrefixes(string subject) => SubjectPrefix().Replace(subject, "");

    [GeneratedRegex(@"^((re|aw|sv|fw|fwd|wg|tr|rv)\s*:\s*)+")]
    private static partial Regex SubjectPrefix();
}
