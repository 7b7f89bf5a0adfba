using System.Globalization;
using System.Text;
using Dapper;
using FollowUp.Mail;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.DataProtection;

/// <summary>What an erasure told the people whose open alerts it closed: sent, nobody to tell, or refused (sent when asked again).</summary>
public sealed record ErasureNoticeReport(int Recipients, bool Sent, string? Failure);

/// <summary>
/// A forced erasure closes open alerts about the patient; the therapist who would have followed them up (the clinic lead
/// for an alert tied to no course) hears that, in a short email with no patient data in it: how many alerts of which
/// kind, the day, and the erasure's number. The addressees wait in the erasure's record until the email goes, so a
/// mail server that refuses it now does not drop it: the next request for the same erasure sends it.
/// </summary>
internal sealed class ErasureNotice(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<SmtpOptions> smtp, IOptions<ClinicOptions> clinic)
{
    /// <summary>Sends the erasure's pending notice, if it has one; null when there is none.</summary>
    public async Task<ErasureNoticeReport?> SendPendingAsync(long erasureId, string actor, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var pending = await connection.QuerySingleOrDefaultAsync<Pending>(new CommandDefinition("""
            SELECT notice_to, closed_alerts::text AS closed_alerts, completed_at, requested_at FROM erasures
            WHERE id = @erasureId AND notice_sent_at IS NULL AND cardinality(notice_to) > 0
            """, new { erasureId }, cancellationToken: cancellationToken));
        if (pending is null) return null;
        var closed = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(pending.ClosedAlerts) ?? [];
        var message = Build(erasureId, closed, pending.NoticeTo, DateOnly.FromDateTime(pending.RequestedAt), clinic.Value, clock.GetUtcNow());
        try
        {
            using var client = await MailConnections.ConnectSmtpAsync(smtp.Value, cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await MailConnections.CloseAsync(client);
        }
        catch (Exception e) when (MailFailure.Of(e) is { } failure)
        {
            return new ErasureNoticeReport(pending.NoticeTo.Length, Sent: false, failure.Reason);
        }
        var now = clock.GetUtcNow();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Sent: the record forgets who was told; the audit row keeps how many.
        await connection.ExecuteAsync(new CommandDefinition("UPDATE erasures SET notice_sent_at = @at, notice_to = '{}' WHERE id = @erasureId",
            new { erasureId, at = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        await Audit.AuditTrail.WriteAsync(connection, transaction, now, actor, "patient.erasure_notice_sent", null, null, erasureId,
            new { erasure_id = erasureId, recipients = pending.NoticeTo.Length, closed_open_alerts = closed }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ErasureNoticeReport(pending.NoticeTo.Length, Sent: true, null);
    }

    /// <summary>The notice: the kinds and counts of the closed alerts, the day and the erasure, nothing about the patient. Pure.</summary>
    internal static MimeMessage Build(long erasureId, IReadOnlyDictionary<string, int> closed, IEnumerable<string> to, DateOnly erasedOn, ClinicOptions clinic, DateTimeOffset now)
    {
        var c = CultureInfo.InvariantCulture;
        var message = new MimeMessage { Date = now, Subject = "FollowUp: an open alert was closed because a patient's data was erased on request" };
        message.From.Add(clinic.From);
        foreach (var address in to) message.To.Add(MailboxAddress.Parse(address));
        message.MessageId = string.Create(c, $"erasure.{erasureId}.{now.ToUnixTimeSeconds()}@{clinic.ReplyDomain}");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        var alerts = string.Join(", ", closed.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => string.Create(c, $"{k.Value} {k.Key}")));
        var text = new StringBuilder();
        text.AppendLine(string.Create(c, $"On {erasedOn:yyyy-MM-dd} a patient asked for their data to be erased, and it was (erasure {erasureId})."));
        text.AppendLine(string.Create(c, $"Open alert(s) about that patient were closed with it, without being acknowledged: {alerts}."));
        text.AppendLine();
        text.AppendLine("FollowUp no longer holds anything about the patient, so it cannot say who it was. If you were following");
        text.AppendLine("one of your patients up because of such an alert, go on from the clinic's own records.");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        return message;
    }

    private sealed class Pending
    {
        public string[] NoticeTo { get; init; } = [];
        public string ClosedAlerts { get; init; } = "{}";
        public DateTime? CompletedAt { get; init; }
        public DateTime RequestedAt { get; init; }
    }
}
