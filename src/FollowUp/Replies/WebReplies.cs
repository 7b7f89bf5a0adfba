using System.Data.Common;
using System.Globalization;
using Dapper;
using FollowUp.Languages;
using FollowUp.Mail;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Replies;

/// <summary>What a patient page's link stands for at this moment.</summary>
public enum PatientLinkState
{
    /// <summary>A sent check-in waiting for its answer.</summary>
    Open,
    /// <summary>The answer sent from this page was recorded just now.</summary>
    Recorded,
    /// <summary>Answered already (by email or on the page): a second answer here changes nothing.</summary>
    Answered,
    /// <summary>Its time to answer has passed.</summary>
    Expired,
    /// <summary>Its course was withdrawn, or the check-in was cancelled after it was sent.</summary>
    Closed,
    /// <summary>The patient asked for no more email (here, by STOP, or on another check-in's page).</summary>
    OptedOut,
    /// <summary>Malformed, forged, signed with an unknown key, or naming a check-in that was never sent.</summary>
    Invalid,
}

/// <summary>A check-in as its patient page shows it: its state, what it asks, and the patient's language.</summary>
public sealed record PatientCheckIn(PatientLinkState State, string Language, bool AsksMood, bool AsksPhq2, int OffsetDays, string ClinicName)
{
    /// <summary>The page's words in the patient's language (Languages/outgoing/xx.json, "web").</summary>
    public WebWording Words => Wording.For(Language).Web;

    /// <summary>The page's heading: "How are you, 2 weeks after your massage course?".</summary>
    public string Heading => Words.Heading.Replace("{since}", Wording.For(Language).SinceCourse(OffsetDays), StringComparison.Ordinal);

    public string UnsubscribeText => Words.UnsubscribeText.Replace("{clinic_name}", ClinicName, StringComparison.Ordinal);

    /// <summary>The PHQ-2 question stem and its two items, as the email words them.</summary>
    public (string Stem, string Interest, string Down) Phq2 =>
        Wording.For(Language).Questions is var q ? (q.Phq2Stem, q.Interest, q.Down) : default;

    /// <summary>The emergency line every email carries.</summary>
    public string Emergency => Wording.For(Language).CheckIn.Emergency;
}

/// <summary>What the patient tapped: each value exactly as the form sent it, checked by <see cref="WebReplies"/>.</summary>
public sealed record WebAnswer(string? Pain, string? Mood, string? Phq2A, string? Phq2B);

/// <summary>
/// The patient pages' side of the replies: the "answer on the web" page and the one-click unsubscribe, tied to the
/// check-in by its reply token (the same token and signing rule as the email's Reply-To, so a link expires with its
/// check-in). Looking never records anything (mail scanners and link previews fetch every link); answering and
/// unsubscribing are recorded by <see cref="InboundStore"/> exactly as an email reply and a STOP are, under the
/// mailbox names <c>web/answer</c> and <c>web/unsubscribe</c> and the actor "web", so the record says how it came.
/// </summary>
public sealed class WebReplies
{
    internal const string AnswerMailbox = "web/answer";
    internal const string UnsubscribeMailbox = "web/unsubscribe";
    private const string Actor = "web";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly ReplyToken _tokens;
    private readonly InboundStore _store;
    private readonly ReplyIntake _intake;
    private readonly ClinicOptions _clinic;
    private readonly string _clinicLanguage;

    internal WebReplies(NpgsqlDataSource dataSource, TimeProvider clock, ReplyToken tokens, InboundStore store, ReplyIntake intake,
        IOptions<ClinicOptions> clinic, IOptions<ClinicLanguageOptions> clinicLanguage)
    {
        (_dataSource, _clock, _tokens, _store, _intake) = (dataSource, clock, tokens, store, intake);
        _clinic = clinic.Value;
        _clinicLanguage = clinicLanguage.Value.Code;
    }

    /// <summary>The check-in a link names and its state, for a GET: reads only. <paramref name="unsubscribing"/>: as the unsubscribe page sees it (open while the patient still gets email).</summary>
    public async Task<PatientCheckIn> LookAsync(string? token, bool unsubscribing, CancellationToken cancellationToken)
    {
        if (_tokens.Verify(token, 'c') is not { } id) return Invalid();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return Show(await ReadAsync(connection, null, id, cancellationToken), unsubscribing);
    }

    /// <summary>
    /// The problems of a tapped answer for this check-in, one per question left out or out of range (the values are
    /// form input: anything may come); empty when it can be recorded.
    /// </summary>
    public static IReadOnlyList<string> Problems(PatientCheckIn checkIn, WebAnswer answer)
    {
        var problems = new List<string>();
        if (Score(answer.Pain, 10) is null) problems.Add("pain");
        if (checkIn.AsksMood && Score(answer.Mood, 10) is null) problems.Add("mood");
        if (checkIn.AsksPhq2 && Score(answer.Phq2A, 3) is null) problems.Add("phq2_a");
        if (checkIn.AsksPhq2 && Score(answer.Phq2B, 3) is null) problems.Add("phq2_b");
        return problems;
    }

    /// <summary>
    /// Records the answer when the check-in is open and the answer complete (<see cref="Problems"/>); otherwise records
    /// nothing and returns the check-in as it is (answered, expired, closed...). Recorded through the inbox's own
    /// store: the reply, the check-in's state, the assessment and its alerts, the audit rows.
    /// </summary>
    public Task<PatientCheckIn> AnswerAsync(string? token, WebAnswer tapped, CancellationToken cancellationToken) =>
        RecordAsync(token, unsubscribing: false, AnswerMailbox, (shown, checkIn) =>
        {
            if (Problems(shown, tapped).Count > 0) return null;
            var answer = new Answer(Score(tapped.Pain, 10), shown.AsksMood ? Score(tapped.Mood, 10) : null, null, OptOut: false)
            {
                Phq2A = shown.AsksPhq2 ? Score(tapped.Phq2A, 3) : null,
                Phq2B = shown.AsksPhq2 ? Score(tapped.Phq2B, 3) : null,
            };
            var text = Said(answer);
            return new Inbound(InboundOutcome.Answer, $"answered on the web page (tapped, not typed); {AnswerNames.Of(answer.Status)}", checkIn, [], text, null)
                { OwnText = text, Answer = answer, Actor = Actor };
        }, done: PatientLinkState.Recorded, again: PatientLinkState.Answered, cancellationToken);

    /// <summary>
    /// Unsubscribes the patient of a valid link at once, whatever became of its check-in since (an old email's link
    /// still stops the emails): the same opt-out as a STOP reply, which sticks to the address, cancels what is planned,
    /// confirms to the patient in their language and reaches the therapist's digest. A second time changes nothing.
    /// </summary>
    public Task<PatientCheckIn> UnsubscribeAsync(string? token, bool oneClick, CancellationToken cancellationToken) =>
        RecordAsync(token, unsubscribing: true, UnsubscribeMailbox, (_, checkIn) =>
            new Inbound(InboundOutcome.OptOut, $"patient unsubscribed on the web: {(oneClick ? "one-click from the mail program (RFC 8058)" : "the button on the unsubscribe page")}",
                checkIn, [], "", null) { Actor = Actor },
            done: PatientLinkState.OptedOut, again: PatientLinkState.OptedOut, cancellationToken);

    /// <summary>
    /// Records what <paramref name="decide"/> makes of an open check-in (null: nothing) through the inbox's store, in one
    /// transaction with the check-in locked, so two sends at once record once; the second finds it <paramref name="again"/>.
    /// </summary>
    private async Task<PatientCheckIn> RecordAsync(string? token, bool unsubscribing, string mailbox, Func<PatientCheckIn, CheckInRef, Inbound?> decide,
        PatientLinkState done, PatientLinkState again, CancellationToken cancellationToken)
    {
        if (_tokens.Verify(token, 'c') is not { } id) return Invalid();
        Stored stored;
        PatientCheckIn shown;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var row = await ReadAsync(connection, transaction, id, cancellationToken, forUpdate: true);
            shown = Show(row, unsubscribing);
            if (shown.State != PatientLinkState.Open || decide(shown, row!.Value.CheckIn) is not { } inbound) return shown;
            stored = await _store.RecordAsync(connection, transaction, Key(mailbox, id), inbound, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await _intake.CommittedAsync(stored, cancellationToken);
        return shown with { State = stored.InboundId is null ? again : done };
    }

    /// <summary>The page's words for a link that names nothing: the clinic's language (the patient is not known).</summary>
    private PatientCheckIn Invalid() => new(PatientLinkState.Invalid, _clinicLanguage, false, false, 0, _clinic.Name);

    private PatientCheckIn Show((CheckInRef CheckIn, Page Page)? found, bool unsubscribing)
    {
        if (found is not var (checkIn, page) || page.SentAt is null) return Invalid();
        var state = page.OptedOut ? PatientLinkState.OptedOut
            : unsubscribing ? PatientLinkState.Open
            : checkIn.Status == "answered" ? PatientLinkState.Answered
            : checkIn.CourseStatus == "withdrawn" || checkIn.Status != "sent" ? PatientLinkState.Closed
            : checkIn.ExpiresAt is { } expires && expires <= _clock.GetUtcNow().UtcDateTime ? PatientLinkState.Expired
            : PatientLinkState.Open;
        return new PatientCheckIn(state, page.Language ?? _clinicLanguage, page.AsksMood, page.AsksPhq2, checkIn.OffsetDays, _clinic.Name);
    }

    private static int? Score(string? value, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max && value!.Length <= 2 ? n : null;

    /// <summary>The tapped answer as a reply would say it, for the course page and `reply explain`: "Pain 3, mood 7, interest 0, down 1".</summary>
    private static string Said(Answer answer) => string.Join(", ", new[]
    {
        $"Pain {answer.Pain}",
        answer.MoodScore is { } mood ? $"mood {mood}" : null,
        answer.Phq2A is { } a ? $"interest {a}" : null,
        answer.Phq2B is { } b ? $"down {b}" : null,
    }.OfType<string>());

    // A page's record has no IMAP key: its check-in's id is, split over the two numbers, so one check-in has one web
    // answer and one web unsubscribe at most (a second is refused by the key, as a copied email is).
    private static InboundKey Key(string mailbox, long checkInId) => new(mailbox, (uint)(checkInId >> 32), unchecked((uint)checkInId));

    /// <summary>The check-in as the inbox's store takes it, and what the page needs beside it; null when there is none.</summary>
    private static async Task<(CheckInRef CheckIn, Page Page)?> ReadAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken,
        bool forUpdate = false)
    {
        var rows = await connection.QueryAsync<CheckInRef, Page, (CheckInRef, Page)>(new CommandDefinition(forUpdate ? Read + "\nFOR UPDATE OF ci" : Read,
            new { id }, transaction, cancellationToken: cancellationToken), (checkIn, page) => (checkIn, page),
            // Dapper leaves the second object null when its first column is: split on one that never is.
            splitOn: "asks_mood");
        return rows.Cast<(CheckInRef, Page)?>().SingleOrDefault();
    }

    /// <summary>What a patient page needs of a check-in beyond <see cref="CheckInRef"/>.</summary>
    private sealed class Page
    {
        public DateTime? SentAt { get; init; }
        public bool AsksMood { get; init; }
        public bool AsksPhq2 { get; init; }
        public string? Language { get; init; }
        public bool OptedOut { get; init; }
    }

    private const string Read = """
        SELECT ci.id, ci.course_id, c.patient_id, p.email AS patient_email, ci.status, ci.offset_days, c.status AS course_status,
               ci.expires_at, ci.asks_mood, ci.asks_phq2, ci.sent_at, p.language, p.opted_out_at IS NOT NULL AS opted_out
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.id = @id
        """;
}
