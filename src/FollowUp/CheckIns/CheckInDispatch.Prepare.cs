using FollowUp.Mail;
using FollowUp.Schedules;
using MimeKit;

namespace FollowUp.CheckIns;

/// <summary>The step before each send: the fresh check of a claimed row, the patient's send window, and the rendering.</summary>
internal sealed partial class CheckInDispatch
{
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
}
