using System.Data.Common;
using Dapper;
using FollowUp.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FollowUp.Replies;

/// <summary>The check-in an inbound message is about, as the inbox needs it.</summary>
internal sealed class CheckInRef
{
    public long Id { get; init; }
    public long CourseId { get; init; }
    public long PatientId { get; init; }
    public string PatientEmail { get; init; } = "";
    public string Status { get; init; } = "";
    public int OffsetDays { get; init; }
    public string CourseStatus { get; init; } = "";
    public DateTime? ExpiresAt { get; init; }
}

/// <summary>How a message was tied to its check-in.</summary>
internal enum MatchedBy
{
    /// <summary>A valid reply token in a recipient address (the check-in's Reply-To, or the VERP envelope of a report).</summary>
    ReplyToken,
    /// <summary>In-Reply-To / References (or a report's quoted original) name a check-in's or reminder's Message-ID.</summary>
    Threading,
    /// <summary>No token and no thread: the sender's newest open check-in.</summary>
    SenderNewest,
}

/// <summary>Why a message was tied to no check-in.</summary>
internal enum NotMatched
{
    /// <summary>A recipient address carries a reply token that does not verify (tampered, or another key).</summary>
    InvalidToken,
    /// <summary>Neither token, thread nor sender names a check-in.</summary>
    NoCheckIn,
    /// <summary>The check-in found was never sent (planned or cancelled): old mail, a restored database.</summary>
    NeverSent,
    /// <summary>The sender is not the check-in's patient: forwarded or spoofed.</summary>
    NotThePatient,
    /// <summary>The clinic's server says the From: is forged (dmarc=fail): nothing is tied to anyone.</summary>
    Forged,
    /// <summary>The patient's address and a valid token or thread, but the sender is not verified: kept for the therapist.</summary>
    Unverified,
    /// <summary>No token and no thread, and the sender is not verified: the sender's newest check-in is not guessed.</summary>
    UnverifiedSender,
    /// <summary>No token and no thread, and more than one patient has the sender's address (a family's): whose answer it is cannot be told.</summary>
    SharedAddress,
    /// <summary>A delivery report that names a check-in but is not about a message sent to its patient's address.</summary>
    NotOurReport,
    /// <summary>The patient's reply to a course that was withdrawn: kept for the therapist, never applied.</summary>
    Withdrawn,
    /// <summary>The patient's reply arriving longer than <see cref="InboxOptions.LateReplyGrace"/> after its check-in expired: kept, never applied.</summary>
    TooLate,
}

/// <summary>
/// The matcher's answer: <see cref="CheckIn"/> and <see cref="By"/> when matched, else <see cref="Refused"/> (with the
/// check-in that was found, if one was); <see cref="Detail"/> is the text people read.
/// </summary>
internal sealed record ReplyMatch(CheckInRef? CheckIn, MatchedBy? By, NotMatched? Refused, CheckInRef? Candidate = null)
{
    /// <summary>For <see cref="NotMatched.TooLate"/>: the grace it passed, as the detail says it.</summary>
    public int LateGraceDays { get; init; }

    /// <summary>Kept with the check-in it names for the therapist to decide (confirm or dismiss), changing nothing until then.</summary>
    public bool Kept => Refused is NotMatched.Unverified or NotMatched.Withdrawn or NotMatched.TooLate;

    public static readonly ReplyMatch None = new(null, null, NotMatched.NoCheckIn);

    public string Detail => (By, Refused) switch
    {
        // Tied by token or thread (By says how), yet refused: the refusal is what people must read.
        (_, NotMatched.Unverified) => $"reply to check-in {Candidate?.Id} from the patient's address, but the clinic's mail server did not verify the sender; kept for the therapist to confirm, not applied",
        (_, NotMatched.Withdrawn) => $"reply to check-in {Candidate?.Id} of a withdrawn course; kept for the therapist, not applied",
        (_, NotMatched.TooLate) => $"reply to check-in {Candidate?.Id} more than {LateGraceDays} days after it expired ({Candidate?.ExpiresAt:yyyy-MM-dd}); kept for the therapist, not applied",
        (MatchedBy.ReplyToken, _) => "matched by reply token",
        (MatchedBy.Threading, _) => "matched by In-Reply-To/References",
        (MatchedBy.SenderNewest, _) => "matched by sender's newest open check-in",
        (_, NotMatched.InvalidToken) => "reply token is not valid (tampered or unknown)",
        (_, NotMatched.NeverSent) => $"check-in {Candidate?.Id} was never sent ({Candidate?.Status})",
        (_, NotMatched.NotThePatient) => $"sender is not the patient of check-in {Candidate?.Id}",
        (_, NotMatched.Forged) => "the clinic's mail server says the sender is forged (dmarc=fail); nothing changed",
        (_, NotMatched.NotOurReport) => $"the report is not about a message sent to the patient of check-in {Candidate?.Id}; nothing changed",
        (_, NotMatched.UnverifiedSender) => "no reply token or thread, and the clinic's mail server did not verify the sender; not matched by sender",
        (_, NotMatched.SharedAddress) => "no reply token or thread, and more than one patient has the sender's address; not matched by sender (whose answer it is cannot be told)",
        _ => "no check-in matches this message",
    };
}

/// <summary>
/// Ties an inbound message to its check-in: by the reply token in a recipient address, else by threading headers,
/// else by the sender's newest open check-in; then only a sent check-in, and only from its patient. Runs on the
/// caller's connection and transaction (the inbox records a chunk in one).
/// </summary>
internal sealed class ReplyMatcher(ReplyToken tokens, IOptions<ClinicOptions> clinicOptions, IOptions<InboxOptions> inboxOptions, TimeProvider clock)
{
    /// <remarks>
    /// What the match may do depends on <paramref name="proof"/>: forged ties nothing; the sender's newest open
    /// check-in is looked up only for a verified sender (a From: alone proves nothing); a token or thread from the
    /// patient's address without verification is <see cref="NotMatched.Unverified"/>, kept for the therapist.
    /// </remarks>
    public async Task<ReplyMatch> MatchReplyAsync(DbConnection connection, DbTransaction? transaction, MimeMessage message, SenderProof proof,
        KnownCheckIns? known, CancellationToken cancellationToken)
    {
        var sender = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        var recipientTokens = RecipientTokens(message);
        var verified = recipientTokens.Select(t => tokens.Verify(t, 'c')).FirstOrDefault(id => id is not null);
        if (recipientTokens.Count > 0 && verified is null) return new ReplyMatch(null, null, NotMatched.InvalidToken);

        CheckInRef? found;
        MatchedBy by;
        if (verified is { } checkInId)
            (found, by) = (await ByIdAsync(connection, transaction, checkInId, known, cancellationToken), MatchedBy.ReplyToken);
        else
        {
            (found, by) = (await ByThreadAsync(connection, transaction, ThreadIds(message), cancellationToken), MatchedBy.Threading);
            if (found is null && sender.Length > 0 && proof != SenderProof.Verified)
                return new ReplyMatch(null, null, proof == SenderProof.Forged ? NotMatched.Forged : NotMatched.UnverifiedSender);
            // A family may share one address: a reply without token or thread could be any of theirs, so it is no one's.
            if (found is null && sender.Length > 0
                && await connection.ExecuteScalarAsync<long>(new CommandDefinition(PatientsAtAddress, new { sender }, transaction, cancellationToken: cancellationToken)) > 1)
                return new ReplyMatch(null, null, NotMatched.SharedAddress);
            if (found is null && sender.Length > 0)
                (found, by) = (await connection.QueryFirstOrDefaultAsync<CheckInRef>(new CommandDefinition(NewestForSender, new { sender }, transaction, cancellationToken: cancellationToken)),
                    MatchedBy.SenderNewest);
        }
        if (found is null) return proof == SenderProof.Forged ? new ReplyMatch(null, null, NotMatched.Forged) : ReplyMatch.None;
        // Forged ties nothing; the check-in it names is kept only so that self-harm wording in it reaches the therapist.
        if (proof == SenderProof.Forged) return new ReplyMatch(null, null, NotMatched.Forged, found);
        // A reply to a check-in we never sent cannot be genuine (old mail, a restored database): keep it aside.
        if (found.Status is "planned" or "cancelled") return new ReplyMatch(null, null, NotMatched.NeverSent, found);
        // Only the patient may answer for the patient: a forwarded or spoofed reply is kept aside for an admin.
        if (!string.Equals(sender, found.PatientEmail, StringComparison.OrdinalIgnoreCase)) return new ReplyMatch(null, null, NotMatched.NotThePatient, found);
        // The patient's own reply, but to a course that ended by withdrawal, or long after its question expired: what it
        // says is kept for the therapist, and never replaces a stored answer.
        if (found.CourseStatus == "withdrawn") return new ReplyMatch(null, by, NotMatched.Withdrawn, found);
        var grace = inboxOptions.Value.LateReplyGrace;
        if (found.ExpiresAt is { } expires && clock.GetUtcNow().UtcDateTime > expires + grace)
            return new ReplyMatch(null, by, NotMatched.TooLate, found) { LateGraceDays = (int)grace.TotalDays };
        if (proof != SenderProof.Verified) return new ReplyMatch(null, by, NotMatched.Unverified, found);
        return new ReplyMatch(found, by, null);
    }

    /// <summary>
    /// The check-in a delivery report is about: the original it quotes, else the reply token of the address it was
    /// delivered to. Check-ins are sent with their reply address as envelope sender (VERP), so a report that does not
    /// quote the original still names the check-in. Any status, any sender (mail servers write these, rarely
    /// authenticated), but only a real DSN whose recipient is the check-in's patient: anyone can send a report
    /// carrying a token they saw.
    /// </summary>
    public async Task<ReplyMatch> MatchReportAsync(DbConnection connection, DbTransaction? transaction, Classification classified, MimeMessage message,
        KnownCheckIns? known, CancellationToken cancellationToken)
    {
        var (found, by) = classified.Report?.OriginalMessageId is { } original && await ByThreadAsync(connection, transaction, [original], cancellationToken) is { } quoted
            ? (quoted, MatchedBy.Threading)
            : TokenCheckIn(message) is { } byToken
                ? (await ByIdAsync(connection, transaction, byToken, known, cancellationToken), MatchedBy.ReplyToken)
                : (null, MatchedBy.ReplyToken);
        if (found is null) return ReplyMatch.None;
        return classified.ReportIsAbout(found.PatientEmail) ? new ReplyMatch(found, by, null) : new ReplyMatch(null, null, NotMatched.NotOurReport, found);
    }

    /// <summary>
    /// The check-in a complaint report is about, believed only from what FollowUp itself put in the original: its
    /// Message-ID (which carries the check-in's HMAC token) or a valid reply token in its Reply-To or unsubscribe
    /// address. Anyone can send a report; only one quoting mail FollowUp really sent to the check-in's patient (and
    /// naming no other recipient, where the provider left the address unredacted) is tied to it.
    /// </summary>
    public async Task<ReplyMatch> MatchComplaintAsync(DbConnection connection, DbTransaction? transaction, FeedbackReport complaint, KnownCheckIns? known,
        CancellationToken cancellationToken)
    {
        var originalTokens = complaint.OriginalAddresses.Select(a => ReplyToken.FromAddress(a, clinicOptions.Value.ReplyLocalPart)).OfType<string>().ToList();
        var byToken = originalTokens.Select(t => tokens.Verify(t, 'c')).FirstOrDefault(id => id is not null);
        var byId = complaint.OriginalMessageId is { } original ? await ByThreadAsync(connection, transaction, [original], cancellationToken) : null;
        if (byId is null && originalTokens.Count > 0 && byToken is null) return new ReplyMatch(null, null, NotMatched.InvalidToken);
        // Message-ID and token name two different check-ins: put together by someone, not a copy of what was sent.
        if (byId is not null && byToken is { } tokenId && tokenId != byId.Id) return new ReplyMatch(null, null, NotMatched.NotOurReport, byId);
        var (found, by) = byId is not null ? (byId, MatchedBy.Threading)
            : byToken is { } id ? (await ByIdAsync(connection, transaction, id, known, cancellationToken), MatchedBy.ReplyToken) : (null, MatchedBy.ReplyToken);
        if (found is null) return ReplyMatch.None;
        if (found.Status is "planned" or "cancelled") return new ReplyMatch(null, null, NotMatched.NeverSent, found);
        if (complaint.NamesOtherThan(found.PatientEmail)) return new ReplyMatch(null, null, NotMatched.NotOurReport, found);
        return new ReplyMatch(found, by, null);
    }

    /// <summary>The check-in the first valid check-in token among the recipient addresses names, if one does.</summary>
    public long? TokenCheckIn(MimeMessage message) => RecipientTokens(message).Select(t => tokens.Verify(t, 'c')).FirstOrDefault(id => id is not null);

    private static List<string> ThreadIds(MimeMessage message)
    {
        var ids = new List<string>();
        if (!string.IsNullOrEmpty(message.InReplyTo)) ids.Add(message.InReplyTo);
        ids.AddRange(message.References);
        return ids;
    }

    private static async Task<CheckInRef?> ByIdAsync(DbConnection connection, DbTransaction? transaction, long id, KnownCheckIns? known, CancellationToken cancellationToken) =>
        known is not null && known.TryGet(id, out var found) ? found
            : await connection.QuerySingleOrDefaultAsync<CheckInRef>(new CommandDefinition(ById, new { id }, transaction, cancellationToken: cancellationToken));

    /// <summary>The check-ins of <paramref name="ids"/> in one query; those that do not exist are absent.</summary>
    internal static async Task<IEnumerable<CheckInRef>> ByIdsAsync(DbConnection connection, DbTransaction? transaction, long[] ids, CancellationToken cancellationToken) =>
        await connection.QueryAsync<CheckInRef>(new CommandDefinition(ByIds, new { ids }, transaction, cancellationToken: cancellationToken));

    private static async Task<CheckInRef?> ByThreadAsync(DbConnection connection, DbTransaction? transaction, List<string> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? null
            : await connection.QueryFirstOrDefaultAsync<CheckInRef>(new CommandDefinition(ByMessageId, new { ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken));

    /// <summary>Reply tokens in the recipient addresses (To, Cc, and the delivery's Delivered-To / X-Original-To).</summary>
    private List<string> RecipientTokens(MimeMessage message) =>
        message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
            .Concat(message.Headers.Where(h => h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase) || h.Field.Equals("X-Original-To", StringComparison.OrdinalIgnoreCase))
                .Select(h => h.Value.Trim().Trim('<', '>')))
            .Select(a => ReplyToken.FromAddress(a, clinicOptions.Value.ReplyLocalPart))
            .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private const string CheckInColumns = "ci.id, ci.course_id, ci.status, ci.offset_days, ci.expires_at, c.status AS course_status, c.patient_id, p.email AS patient_email";

    private const string ById = $"""
        SELECT {CheckInColumns}
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.id = @id
        """;

    private const string ByIds = $"""
        SELECT {CheckInColumns}
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.id = ANY(@ids)
        """;

    private const string ByMessageId = $"""
        SELECT {CheckInColumns}
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE ci.message_id = ANY(@ids)
           OR ci.id IN (SELECT r.check_in_id FROM reminders r WHERE r.message_id = ANY(@ids))
        ORDER BY ci.sent_at DESC
        """;

    private const string PatientsAtAddress = "SELECT count(*) FROM patients WHERE lower(email) = lower(@sender)";

    private const string NewestForSender = $"""
        SELECT {CheckInColumns}
        FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
        WHERE lower(p.email) = lower(@sender) AND ci.status IN ('sent', 'answered')
        ORDER BY ci.sent_at DESC
        LIMIT 1
        """;
}
