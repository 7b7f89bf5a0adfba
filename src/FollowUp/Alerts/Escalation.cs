using Dapper;
using FollowUp.Audit;
using FollowUp.Mail;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.Alerts;

/// <summary>
/// An alert emailed to the therapist and not acknowledged within the configured working days goes to the clinic lead,
/// once. The escalation is claimed by setting <c>escalated_at</c> in the transaction that also sends and audits it, so
/// two nodes cannot both send it; a crash after the SMTP server accepted it but before the commit can repeat it once.
/// </summary>
internal sealed class Escalation(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<SmtpOptions> smtpOptions, IOptions<ClinicOptions> clinicOptions,
    IOptions<AlertOptions> alertOptions, AlertNotifier notifier, ILogger<Escalation> logger)
{
    /// <summary>Mon-Fri: the instant <paramref name="days"/> working days after <paramref name="from"/> (weekends do not count). Pure.</summary>
    public static DateTimeOffset AddWorkingDays(DateTimeOffset from, int days)
    {
        var at = from;
        // A weekend start counts from Monday 00:00 of the next week, so "2 working days" is never less than two.
        while (at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) at = new DateTimeOffset(at.Date.AddDays(1), at.Offset);
        for (var added = 0; added < days;)
        {
            at = at.AddDays(1);
            if (at.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) added++;
        }
        return at;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _warnedNoLead = new();

    /// <summary>Escalates every overdue alert; returns how many went to the lead.</summary>
    public async Task<int> EscalateAsync(CancellationToken cancellationToken)
    {
        var options = alertOptions.Value;
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var candidates = (await connection.QueryAsync<Candidate>(new CommandDefinition(Candidates,
            new { before = now.UtcDateTime.AddDays(-options.EscalateAfterWorkingDays) }, cancellationToken: cancellationToken)))
            .Where(c => AddWorkingDays(new DateTimeOffset(c.NotifiedAt, TimeSpan.Zero), options.EscalateAfterWorkingDays) <= now).ToList();
        if (candidates.Count == 0) return 0;
        if (string.IsNullOrWhiteSpace(options.LeadAddress))
        {
            // Said once per alert and process, not on every tick: the overdue alert also stands in the daily digest.
            foreach (var c in candidates.Where(c => _warnedNoLead.TryAdd(c.Id, 0))) Log.NoLead(logger, c.Id);
            return 0;
        }
        var escalated = 0;
        SmtpClient? smtp = null;
        try
        {
            foreach (var candidate in candidates)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var alert = await connection.QuerySingleOrDefaultAsync<AlertToSend>(new CommandDefinition(Claim, new { id = candidate.Id, now = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
                if (alert is null) continue; // acknowledged or escalated meanwhile
                var trajectory = await CourseTrajectory.ReadAsync(dataSource, alert.CourseId, options, cancellationToken);
                var message = AlertEmail.Build(alert, trajectory, clinicOptions.Value, options, notifier.ReplyAddress(alert.Id), now, MailboxAddress.Parse(options.LeadAddress),
                    notifier.CourseUrl(alert.CourseId));
                var (status, failure) = await notifier.TrySendAsync(async () => smtp ??= await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken), message, alert.Id, cancellationToken);
                if (status == "pending")
                {
                    await transaction.RollbackAsync(cancellationToken);
                    break;
                }
                await AuditTrail.WriteAsync(connection, transaction, now, "alerts", status == "sent" ? "alert_escalated" : "alert_escalation_failed", alert.CourseId, null, alert.Id,
                    new { to = "lead", failure }, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                if (status == "sent")
                {
                    Log.AlertEscalated(logger, alert.Id);
                    escalated++;
                }
            }
        }
        finally
        {
            if (smtp is not null) await MailConnections.CloseAsync(smtp);
        }
        return escalated;
    }

    private sealed class Candidate
    {
        public long Id { get; init; }
        public DateTime NotifiedAt { get; init; }
    }

    // Only alerts the therapist was actually emailed (not digest-only ones, nor those tied to no course, which went to
    // the lead in the first place); the working-day count is done in C#.
    private const string Candidates = """
        SELECT id, notified_at FROM alerts
        WHERE course_id IS NOT NULL AND status = 'open' AND escalated_at IS NULL AND notify_status = 'sent' AND notified_at <= @before
        ORDER BY notified_at
        """;

    private const string Claim = $"""
        UPDATE alerts a SET escalated_at = @now
        FROM courses c, patients p, therapists t
        WHERE a.id = @id AND a.status = 'open' AND a.escalated_at IS NULL
          AND c.id = a.course_id AND p.id = c.patient_id AND t.id = c.therapist_id
        RETURNING {AlertNotifier.AlertColumns}
        """;
}
