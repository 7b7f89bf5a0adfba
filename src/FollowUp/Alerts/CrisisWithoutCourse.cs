using System.Data.Common;
using System.Globalization;
using System.Text;
using Dapper;
using FollowUp.Audit;
using FollowUp.Mail;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FollowUp.Alerts;

/// <summary>An open crisis alert tied to no course, with the message it came from, as the clinic lead's email needs it.</summary>
internal sealed class CrisisToSend
{
    public long Id { get; init; }
    public string Reason { get; init; } = "";
    public DateTime RaisedAt { get; init; }
    public long InboundMessageId { get; init; }
    public string? FromAddress { get; init; }
    public string? Subject { get; init; }
    public string? SenderProof { get; init; }
    public string? BodyText { get; init; }
}

/// <summary>
/// Self-harm wording in a message tied to no course (no token, no thread, a sender who is nobody's patient or is not
/// shown to be) still reaches a person at once: a crisis alert of its own, tied to that message, emailed to the clinic
/// lead with the message and how its sender was authenticated. Nothing is ever sent to the sender: nobody has shown who
/// they are, and a forged From: would turn the crisis contacts into mail to a stranger.
/// </summary>
internal static class CrisisWithoutCourse
{
    /// <summary>Raises the alert in the inbox's transaction, audited there; one per message.</summary>
    public static async Task RaiseAsync(DbConnection connection, DbTransaction transaction, long inboundId, string reason, DateTimeOffset now,
        ILogger logger, CancellationToken cancellationToken)
    {
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(Raise, new { inboundId, reason, now = now.UtcDateTime }, transaction,
            cancellationToken: cancellationToken));
        if (id is not { } alertId) return;
        await AuditTrail.WriteAsync(connection, transaction, now, "inbox", "alert_raised", null, null, alertId,
            new { Kind = AlertKinds.Crisis, Severity = AlertKinds.High, Reason = reason, inboundId, to = "lead" }, cancellationToken);
        Log.CrisisWithoutCourse(logger, alertId, inboundId);
        Operations.FollowUpMetrics.AlertRaised(AlertKinds.Crisis, AlertKinds.High);
    }

    /// <summary>The clinic lead's email: the message, who it claims to be from and what the clinic's server proved. Pure.</summary>
    public static MimeMessage Email(CrisisToSend alert, ClinicOptions clinic, AlertOptions options, MailboxAddress lead, string replyAddress, DateTimeOffset now)
    {
        var message = new MimeMessage { Date = now };
        message.From.Add(clinic.From);
        message.To.Add(lead);
        message.ReplyTo.Add(MailboxAddress.Parse(replyAddress));
        message.Subject = string.Create(CultureInfo.InvariantCulture, $"URGENT: FollowUp alert A-{alert.Id}: self-harm wording in a message tied to no patient");
        message.MessageId = string.Create(CultureInfo.InvariantCulture, $"alert.{alert.Id}.l{now.ToUnixTimeSeconds()}@{clinic.ReplyDomain}");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        var text = new StringBuilder();
        text.AppendLine("A message to the clinic's reply address mentions self-harm, and it is tied to no patient's course:");
        text.AppendLine("no reply token, no thread, or a sender the clinic's mail server did not show to be a patient.");
        text.AppendLine("Nothing was sent to the sender. Please read it and decide who contacts whom.");
        text.AppendLine();
        if (options.MinimalPhi)
            text.AppendLine(CultureInfo.InvariantCulture, $"See it with: followup-admin alert show {alert.Id}");
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"From (as written by the sender): {Plain(alert.FromAddress)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Subject: {Plain(alert.Subject)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Sender: {Replies.SenderProofs.Describe(alert.SenderProof)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Received: {alert.RaisedAt:yyyy-MM-dd HH:mm} UTC (inbound message {alert.InboundMessageId})");
            text.AppendLine();
            var body = alert.BodyText ?? "";
            text.AppendLine(Plain(body.Length > 4000 ? body[..4000] + "…" : body));
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Reply ACK to this email, or run: followup-admin alert ack {alert.Id}");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    /// <summary>The sender's text as a mail client shows it safely: control characters (escape sequences) written out.</summary>
    private static string Plain(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var plain = new StringBuilder(text.Length);
        foreach (var c in text)
            plain.Append(char.IsControl(c) && c is not ('\n' or '\t') ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : c);
        return plain.ToString();
    }

    private const string Raise = """
        INSERT INTO alerts (course_id, inbound_message_id, kind, severity, reason, raised_at, notify_status, updated_at)
        VALUES (NULL, @inboundId, 'crisis', 'high', @reason, @now, 'pending', @now)
        ON CONFLICT (inbound_message_id) WHERE course_id IS NULL DO NOTHING
        RETURNING id
        """;

    // Claimed like a therapist's alert (AlertNotifier): a claim left by a dead worker is taken over after the lease.
    internal const string Claim = $"""
        {AlertNotifier.ClaimNextWhere} course_id IS NULL
        {AlertNotifier.ClaimIt}
        FROM next, inbound_messages m
        WHERE a.id = next.id AND m.id = a.inbound_message_id
        RETURNING a.id, a.reason, a.raised_at, a.inbound_message_id, m.from_address, m.subject, m.sender_proof, m.body_text
        """;
}
