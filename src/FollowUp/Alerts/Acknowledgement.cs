using System.Text.RegularExpressions;
using Dapper;
using FollowUp.Audit;
using FollowUp.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.Alerts;

/// <summary>
/// Closes an alert: the therapist replies "ACK" to the alert email (matched by the alert's reply token, like a
/// patient's reply to a check-in) or an admin runs <c>followup-admin alert ack</c>. Audited.
/// </summary>
public sealed class Acknowledgement(NpgsqlDataSource dataSource, TimeProvider clock, ReplyToken tokens, IOptions<ClinicOptions> clinicOptions,
    IOptions<AlertOptions> alertOptions, ILogger<Acknowledgement> logger)
{
    /// <summary>What became of a message sent to an alert's reply address: acknowledged (or already was), or kept aside.</summary>
    public sealed record AckReply(bool Accepted, string Detail);

    /// <summary>
    /// For the inbox: when a recipient address carries an alert token, what became of the message (accepted ones go to
    /// the Processed folder, the rest to Unmatched for an admin); null when the message is not about an alert. Only a
    /// <paramref name="senderVerified"/> message acknowledges: the token proves the message answers the alert email,
    /// not who wrote it, and a typed From: of the therapist proves nothing.
    /// </summary>
    public async Task<AckReply?> TryAcceptAsync(MimeMessage message, string ownText, bool senderVerified, CancellationToken cancellationToken)
    {
        var clinic = clinicOptions.Value;
        var alertId = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
            .Concat(message.Headers.Where(h => h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.Trim().Trim('<', '>')))
            .Select(a => tokens.Verify(ReplyToken.FromAddress(a, clinic.ReplyLocalPart), 'a'))
            .FirstOrDefault(id => id is not null);
        if (alertId is not { } id) return null;
        var sender = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        if (!SaysAck(ownText)) return new AckReply(false, $"reply to alert {id} without ACK; nothing changed");
        if (!senderVerified) return new AckReply(false, $"ACK for alert {id} from a sender the clinic's mail server did not verify; nothing changed");
        var outcome = await AcknowledgeAsync(id, sender, requireSender: true, cancellationToken);
        return outcome switch
        {
            AckOutcome.Acknowledged => new AckReply(true, $"alert {id} acknowledged by reply"),
            AckOutcome.AlreadyDone => new AckReply(true, $"alert {id} was already acknowledged"),
            AckOutcome.NotAllowed => new AckReply(false, $"ACK for alert {id} from someone who is neither its therapist nor the clinic lead; nothing changed"),
            _ => new AckReply(false, $"alert {id} does not exist"),
        };
    }

    public enum AckOutcome { Acknowledged, AlreadyDone, NotAllowed, NotFound }

    /// <summary>Acknowledges an open alert; with <paramref name="requireSender"/> only its therapist or the clinic lead may.</summary>
    public async Task<AckOutcome> AcknowledgeAsync(long alertId, string by, bool requireSender, CancellationToken cancellationToken)
    {
        var outcome = await AcknowledgeAsync(dataSource, clock.GetUtcNow(), alertId, by, requireSender ? alertOptions.Value.LeadAddress ?? "" : null, null, cancellationToken);
        if (outcome == AckOutcome.Acknowledged) Log.AlertAcknowledged(logger, alertId);
        return outcome;
    }

    /// <summary>
    /// The acknowledgement itself, audited in its transaction with the acknowledger's <paramref name="note"/>, if any. <paramref name="leadAddress"/> null: anyone may (an
    /// admin at the CLI); otherwise only the alert's therapist or that lead address.
    /// </summary>
    public static async Task<AckOutcome> AcknowledgeAsync(NpgsqlDataSource dataSource, DateTimeOffset now, long alertId, string by, string? leadAddress,
        string? note, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var alert = await connection.QuerySingleOrDefaultAsync<AlertOwner>(new CommandDefinition(Owner, new { alertId }, transaction, cancellationToken: cancellationToken));
        if (alert is null) return AckOutcome.NotFound;
        if (leadAddress is not null && !string.Equals(by, alert.TherapistEmail, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(by, leadAddress, StringComparison.OrdinalIgnoreCase))
            return AckOutcome.NotAllowed;
        var done = await connection.ExecuteAsync(new CommandDefinition(Acknowledge, new { alertId, by, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        if (done == 0) return AckOutcome.AlreadyDone;
        await AuditTrail.WriteAsync(connection, transaction, now, by, "alert_acknowledged", alert.CourseId, alert.PatientId, alertId,
            string.IsNullOrWhiteSpace(note) ? new { alert.Kind } : (object)new { alert.Kind, note = note.Trim() }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AckOutcome.Acknowledged;
    }

    private sealed class AlertOwner
    {
        /// <summary>Null for a crisis alert tied to no course: only the lead may acknowledge it by reply.</summary>
        public long? CourseId { get; init; }
        public long? PatientId { get; init; }
        public string Kind { get; init; } = "";
        public string? TherapistEmail { get; init; }
    }

    /// <summary>
    /// Whether the therapist's own text (quotes removed) acknowledges, in any supported language: a line that starts
    /// with an acknowledgement word (Languages/*.json "ack"), alone or followed by a dash, comma or colon and more
    /// ("ACK - will call her today", "Erledigt, rufe sie an"). A sentence that merely contains it ("I cannot acknowledge
    /// this today", "not ack yet", "ACK?", "pas vu") does not, nor does a line with a negation after the word
    /// ("Vu, mais je ne peux pas"): a stopped escalation is a patient in crisis whom nobody calls.
    /// </summary>
    internal static bool SaysAck(string ownText) =>
        AckLine.Matches(Languages.Lexicon.Fold(ownText.ReplaceLineEndings("\n"))).Any(m => !Negation.IsMatch(m.Groups["rest"].Value));

    private static readonly Regex AckLine = Languages.LexiconPatterns.Pattern(
        $@"^[ \t>*_]*{Languages.LexiconPatterns.Words(Languages.Lexicon.Union(l => l.Ack))}[ \t.!*_]*(?:$|[-–—:,;](?:[ \t](?<rest>.*))?$)",
        RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private static readonly Regex Negation = Languages.LexiconPatterns.Pattern(Languages.LexiconPatterns.Words(Languages.Lexicon.Union(l => l.Negations)));

    private const string Owner = """
        SELECT a.course_id, c.patient_id, a.kind, t.email AS therapist_email
        FROM alerts a LEFT JOIN courses c ON c.id = a.course_id LEFT JOIN therapists t ON t.id = c.therapist_id
        WHERE a.id = @alertId
        """;

    private const string Acknowledge = """
        UPDATE alerts SET status = 'acknowledged', acknowledged_at = @now, acknowledged_by = @by
        WHERE id = @alertId AND status = 'open'
        """;
}
