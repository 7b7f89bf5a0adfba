using FollowUp.Mail;
using FollowUp.Schedules;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.CheckIns;

/// <summary>
/// Sends the queued patient emails that are due: check-ins, reminders and clarifications. Each lane claims a batch
/// (FOR UPDATE SKIP LOCKED, so any number of lanes and workers drain the same queue), re-checks each row just before
/// sending (<see cref="Eligibility"/>, and the patient's window), renders it, sends it over the lane's one reused SMTP
/// connection and records the outcome (<see cref="OutgoingQueue"/>). Every failure and cancellation keeps its reason.
/// </summary>
internal sealed partial class CheckInDispatch(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<ClinicOptions> clinicOptions,
    IOptions<DispatchOptions> dispatchOptions,
    IOptions<Languages.ClinicLanguageOptions> clinicLanguage,
    IOptions<PatientPagesOptions> pages,
    ReplyToken tokens,
    ILogger<CheckInDispatch> logger,
    Operations.Outages outages)
{
    private readonly OutgoingQueue _queue = new(dataSource, clock);
    private readonly string _worker = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    private readonly Lazy<MimeKit.Cryptography.DkimSigner?> _dkim = new(() => CheckInDkim.Create(dispatchOptions.Value));

    public async Task<DispatchResult> SendDueAsync(CancellationToken cancellationToken)
    {
        var options = dispatchOptions.Value;
        var lanes = Enumerable.Range(1, options.Lanes).Select(lane => $"{_worker}/{lane}").ToArray();
        await SettleAsync(lanes, cancellationToken);
        var results = await Task.WhenAll(lanes.Select(lane => RunLaneAsync(new Lane(lane, dataSource), options, null, cancellationToken)));
        var result = results.Aggregate(new DispatchResult(0, 0, 0), (a, b) => a.Add(b));
        if (result.Sent + result.Failed + result.Retrying > 0) Log.Dispatched(logger, result.Sent, result.Failed, result.Retrying);
        Operations.FollowUpMetrics.Dispatched(result.Sent, result.Failed, result.Retrying);
        return result;
    }

    /// <summary>
    /// Sends one queued email now, through the same claim, check and record as every other (a clarification, which
    /// answers a reply the patient has just written). Whatever stops it leaves the row queued for the next run.
    /// </summary>
    internal async Task<DispatchResult> SendNowAsync(OutgoingKind kind, long id, CancellationToken cancellationToken)
    {
        // Its own name each time: settling an ended one can never touch one under way.
        var lane = $"{_worker}/{kind}{id}/{Interlocked.Increment(ref _oneOffs)}";
        try
        {
            return await RunLaneAsync(new Lane(lane, dataSource), dispatchOptions.Value, (kind, id), cancellationToken);
        }
        catch
        {
            // Its claim may be left 'sending' (the database went away between claim and record): the next run settles
            // this lane with its own, instead of the row waiting out ClaimLease. The lane has ended, so nothing of it
            // is still under way when that happens.
            _endedOneOffs[lane] = 0;
            throw;
        }
    }

    /// <summary>
    /// The cohort simulation's dispatch: every due email through the same claim, fresh check, send window, rendering and
    /// record (with its reminders) as <see cref="SendDueAsync"/>, handed back to the simulated patients instead of
    /// going to an SMTP server. A rate cap (RatePerMinute) holds here too, on the simulation's clock.
    /// </summary>
    internal async Task<IReadOnlyList<(CheckInToSend Item, MimeMessage Message)>> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var lane = new Lane($"{_worker}/simulation", dataSource);
        var delivered = new List<(CheckInToSend, MimeMessage)>();
        try
        {
            while (true)
            {
                var batch = await _queue.ClaimAsync(lane.Name, dispatchOptions.Value, null, cancellationToken);
                if (batch.Count == 0) return delivered;
                foreach (var item in batch)
                {
                    var prepared = await PrepareAsync(lane, item, cancellationToken);
                    if (prepared.Message is null) continue;
                    await RecordAsync(lane.Name, item, prepared.Message.MessageId!, Reminders(item, prepared.Schedule!), await lane.RecordsAsync(cancellationToken), cancellationToken);
                    delivered.Add((item, prepared.Message));
                }
            }
        }
        finally
        {
            await lane.EndAsync();
        }
    }

    private async Task<DispatchResult> RunLaneAsync(Lane lane, DispatchOptions options, (OutgoingKind, long)? only, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await _queue.ClaimAsync(lane.Name, options, only, cancellationToken);
                if (batch.Count == 0 || !await SendBatchAsync(lane, batch, options, cancellationToken) || only is not null) break;
            }
        }
        finally
        {
            await lane.EndAsync();
        }
        return lane.Result();
    }

    /// <summary>
    /// Sends a claimed batch in order. While a message is sent, the next one is checked and rendered, and the record of
    /// the one before it commits; a message's last byte waits for that record (<see cref="HeldBackMessage"/>), so at
    /// most one sent message of the lane is unrecorded at any moment: the one duplicate a crash can cause per lane
    /// (docs/reliability.md). False when the SMTP server is gone for this run.
    /// </summary>
    private async Task<bool> SendBatchAsync(Lane lane, IReadOnlyList<CheckInToSend> batch, DispatchOptions options, CancellationToken cancellationToken)
    {
        var pending = new Queue<CheckInToSend>(batch);
        Task<Prepared>? preparing = null;
        try
        {
            while (pending.TryPeek(out var item))
            {
                var prepared = await (preparing ?? PrepareAsync(lane, item, cancellationToken));
                preparing = pending.Count > 1 && prepared.Message is not null ? PrepareAsync(lane, pending.ElementAt(1), cancellationToken) : null;
                lane.Count(prepared.Message is null ? prepared.Outcome : await SendAsync(lane, item, prepared, options, cancellationToken));
                pending.Dequeue();
            }
            await lane.RecordedAsync();
            return true;
        }
        catch (Exception e) when (MailFailure.IsServerUnavailable(e) || e is OperationCanceledException)
        {
            await lane.RecordedAsync();
            await HandBackAsync(lane, pending, e, options);
            if (e is OperationCanceledException) throw;
            return false;
        }
        finally
        {
            // A check of the next message still under way when the send failed: its claim is handed back with the rest
            // of the batch, whatever the check did (it only acts while the claim holds). A database outage leaves the
            // claims 'sending' for the next run to settle (SettleAsync).
            if (preparing is not null)
            {
                await Task.WhenAny(preparing);
                _ = preparing.Exception;
            }
        }
    }

    /// <summary>
    /// The connection (or the run) is gone, or the server refused our login or TLS: what was claimed and not sent goes
    /// back to the queue rather than waiting out the lease; the next run reconnects. Only a message whose send was under
    /// way on a live connection may be at fault (it is charged an attempt and backs off; it may or may not have been
    /// accepted: docs/reliability.md, "No check-in lost, none sent twice"). The rest were never tried: with the server down or the run stopping,
    /// they go back as they were, still due and with no attempt counted, so an outage of any length (or a wrong
    /// password for a weekend) neither fails them (MaxAttempts) nor delays them by backoff once it is over.
    /// </summary>
    private async Task HandBackAsync(Lane lane, Queue<CheckInToSend> pending, Exception e, DispatchOptions options)
    {
        var failure = MailFailure.Of(e);
        var reason = (failure?.Kind == MailFailureKind.LoginRefused ? "SMTP login refused: " : "SMTP connection failed: ")
                     + (failure?.Reason ?? $"{e.GetType().Name}: {e.Message}");
        // A refused login happens on connecting: Smtp is null then.
        var charged = lane.Smtp is null || e is OperationCanceledException ? 0 : 1;
        await _queue.RetryLaterAsync(lane.Name, pending.Take(charged), reason, options, CancellationToken.None);
        await _queue.ReleaseAsync(lane.Name, pending.Skip(charged), reason, CancellationToken.None);
        lane.Count(Outcome.Retrying, pending.Count);
        if (lane.Smtp is null && e is not OperationCanceledException)
            outages.Unreachable(Operations.Outages.Smtp, smtpOptions.Value.Endpoint, e);
        else
            Log.SmtpUnavailable(logger, pending.Count, e);
        await lane.DropConnectionAsync();
    }

    /// <summary>A claimed message checked and rendered, ready to send; or, with no message, why it is not sent.</summary>
    private sealed record Prepared(Outcome Outcome, MimeMessage? Message, Schedule? Schedule);

    /// <summary>The fresh check just before a send (opted out, answered, expired, suppressed a second ago?), the send window, and the rendering.</summary>
    private async Task<Prepared> PrepareAsync(Lane lane, CheckInToSend item, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var connection = await lane.ChecksAsync(cancellationToken);
        var state = await OutgoingQueue.StateAsync(connection, lane.Name, item, cancellationToken);
        switch (Eligibility.Decide(item.Kind, state, item.ExpiresAt, now.UtcDateTime))
        {
            case (Eligibility.Action.Lost, _):
                Log.ClaimLost(logger, item.Id);
                return new Prepared(Outcome.Lost, null, null);
            case (Eligibility.Action.Release, _):
                await OutgoingQueue.RescheduleAsync(connection, lane.Name, item, now, cancellationToken);
                return new Prepared(Outcome.Deferred, null, null);
            case (Eligibility.Action.Cancel, var reason):
                await _queue.CancelAsync(connection, lane.Name, item, reason!, cancellationToken);
                return new Prepared(Outcome.Cancelled, null, null);
        }
        var schedule = await lane.ScheduleAsync(connection, item.ScheduleId, cancellationToken);
        var opening = SendWindow.NextOpening(now, schedule, TimeZoneInfo.FindSystemTimeZoneById(item.TimeZone));
        if (Eligibility.WaitsForWindow(item.Kind) && opening > now)
        {
            // Late (a retry, a backlog, a worker that was down): wait for the patient's next window, never a night send.
            await OutgoingQueue.RescheduleAsync(connection, lane.Name, item, opening, cancellationToken);
            return new Prepared(Outcome.Deferred, null, null);
        }
        MimeKit.MimeMessage message;
        try
        {
            message = Build(item, schedule, clinicOptions.Value, clinicLanguage.Value.Code, tokens, now, pages.Value.PublicUrl);
        }
        catch (TemplateFailureException e)
        {
            // The admin's template, not the server: this email fails with the reason (send list, audit), and the
            // connection and everyone else's email go on.
            await _queue.MarkFailedAsync(lane.Name, item, $"template of schedule {item.ScheduleId} failed: {e.Message}", FailedBecause.Template, cancellationToken);
            Log.TemplateFailed(logger, item.Id, item.ScheduleId);
            return new Prepared(Outcome.Failed, null, null);
        }
        if (_dkim.Value is { } signer) CheckInDkim.Sign(signer, message);
        return new Prepared(Outcome.Sent, message, schedule);
    }

    /// <summary>The email of a queued row, in the patient's language; what dispatch sends and what a preview shows.</summary>
    internal static MimeKit.MimeMessage Build(CheckInToSend item, Schedule schedule, ClinicOptions clinic, string clinicLanguage, ReplyToken tokens,
        DateTimeOffset now, string? publicUrl) => item.Kind switch
    {
        OutgoingKind.Clarification => ClarificationEmail.Build(item, clinic, clinicLanguage, tokens, now, schedule.MinimalPhi),
        OutgoingKind.StopConfirmation => StopConfirmationEmail.Build(item, clinic, clinicLanguage, tokens, now),
        _ => CheckInEmail.Build(item, schedule, clinic, clinicLanguage, tokens, now, publicUrl),
    };

    private async Task<Outcome> SendAsync(Lane lane, CheckInToSend item, Prepared prepared, DispatchOptions options, CancellationToken cancellationToken)
    {
        var message = prepared.Message!;
        var previous = lane.Recording;
        // A record that already failed stops the lane before another message can be accepted unrecorded beside it.
        if (previous.IsCompleted) await previous;
        try
        {
            lane.Smtp ??= await ConnectAsync(cancellationToken);
            // Envelope sender = the check-in's own reply address (VERP): delivery reports come back to the replies
            // mailbox, where the inbox reads them, already carrying the token of the check-in they are about.
            var smtp = lane.Smtp;
            await HeldBackMessage.SendAsync(message, previous, held => smtp.SendAsync(held, message.ReplyTo.Mailboxes.First(), message.To.Mailboxes, cancellationToken));
        }
        catch (Exception e) when (MailFailure.Of(e) is { ServerUnavailable: false } refused)
        {
            await lane.RecordedAsync();
            if (!refused.Permanent)
            {
                // 4yz: the server asks us to try again later.
                await _queue.RetryLaterAsync(lane.Name, [item], refused.Reason, options, cancellationToken);
                return Outcome.Retrying;
            }
            // Sending again will not help. The reason is kept for the admin; a refused recipient is unreachable.
            await _queue.MarkFailedAsync(lane.Name, item, refused.Reason,
                refused.Kind == MailFailureKind.RecipientRefusedPermanently ? FailedBecause.AddressRefused : FailedBecause.Refused, cancellationToken);
            Log.CheckInRefused(logger, item.Id, refused.StatusCode ?? 0);
            return Outcome.Failed;
        }
        catch when (previous.IsFaulted)
        {
            // The record before this message failed (the database went away) with this one part-way through its DATA:
            // the session is closed without another command, so the server never has all of it and never accepts it.
            lane.AbandonSmtp();
            throw;
        }
        // Accepted, so the record before it has committed (its last byte waited for it); this one's commits while the
        // next message is checked and transmitted.
        await previous;
        lane.Recording = RecordSentAsync(lane, item, message.MessageId!, Reminders(item, prepared.Schedule!));
        return Outcome.Sent;
    }

    /// <summary>
    /// A sent check-in's reminders: its own one (a confirming check-in) or every ReminderSpacingDays of its schedule,
    /// inside its window, none at or after its expiry.
    /// </summary>
    private DateTimeOffset[] Reminders(CheckInToSend item, Schedule schedule)
    {
        if (item.Kind != OutgoingKind.CheckIn) return [];
        var now = clock.GetUtcNow();
        var expires = item.ExpiresAt is { } e ? new DateTimeOffset(e, TimeSpan.Zero) : now.AddDays(Schedule.MaxOffsetDays);
        return [.. CheckInPlanner.Reminders(now, expires, TimeZoneInfo.FindSystemTimeZoneById(item.TimeZone), schedule, item.RemindAfterDays)];
    }

    private async Task RecordAsync(string lane, CheckInToSend item, string messageId, DateTimeOffset[] reminders, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        if (await _queue.MarkSentAsync(lane, item, messageId, reminders, connection, cancellationToken))
        {
            if (item.Kind == OutgoingKind.CheckIn) Log.CheckInSent(logger, item.Id, item.Sequence);
            else Log.OtherEmailSent(logger, item.Kind switch { OutgoingKind.Reminder => "Reminder", OutgoingKind.Clarification => "Clarification", _ => "STOP confirmation" }, item.Id, item.CheckInId);
        }
        else Log.ClaimLost(logger, item.Id);
    }

    /// <summary>Connects the lane's SMTP client; a connection that works ends an outage in the log.</summary>
    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken);
        outages.Reachable(Operations.Outages.Smtp, smtpOptions.Value.Endpoint);
        return client;
    }
}
