using Microsoft.Extensions.Logging;

namespace FollowUp.CheckIns;

internal static partial class Log
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Check-in {CheckInId} (#{Sequence}) sent")]
    public static partial void CheckInSent(ILogger logger, long checkInId, int sequence);

    // A reminder, clarification or STOP confirmation is named as such: "Check-in 6 sent" after a STOP read as if an
    // opted-out patient had been sent a check-in.
    [LoggerMessage(EventId = 206, Level = LogLevel.Information, Message = "{Kind} {EmailId} for check-in {CheckInId} sent")]
    public static partial void OtherEmailSent(ILogger logger, string kind, long emailId, long checkInId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Check-in {CheckInId} permanently refused by the SMTP server ({StatusCode})")]
    public static partial void CheckInRefused(ILogger logger, long checkInId, int statusCode);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "SMTP unavailable; {Count} claimed check-in(s) go back to the queue")]
    public static partial void SmtpUnavailable(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Check-in {CheckInId} was sent but its claim had passed to another worker (lease expired)")]
    public static partial void ClaimLost(ILogger logger, long checkInId);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Dispatch run: {Sent} sent, {Failed} failed, {Retrying} to retry")]
    public static partial void Dispatched(ILogger logger, int sent, int failed, int retrying);

    [LoggerMessage(EventId = 205, Level = LogLevel.Error, Message = "Check-in {CheckInId} failed: the template of schedule {ScheduleId} cannot be rendered (followup-admin send list shows why; schedule validate checks a fix)")]
    public static partial void TemplateFailed(ILogger logger, long checkInId, long scheduleId);
}
