using Microsoft.Extensions.Logging;

namespace FollowUp.Alerts;

internal static partial class Log
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Alert {AlertId} for course {CourseId}: {Kind} ({Severity})")]
    public static partial void AlertRaised(ILogger logger, long alertId, long courseId, string kind, string severity);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Alert {AlertId} emailed")]
    public static partial void AlertSent(ILogger logger, long alertId);

    [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "Alert {AlertId} could not be delivered to the therapist ({StatusCode}); an admin must act")]
    public static partial void AlertRefused(ILogger logger, long alertId, int statusCode);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Alert {AlertId} not sent yet; will retry")]
    public static partial void AlertDeferred(ILogger logger, long alertId, Exception exception);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Alert {AlertId} acknowledged")]
    public static partial void AlertAcknowledged(ILogger logger, long alertId);

    [LoggerMessage(EventId = 405, Level = LogLevel.Information, Message = "Alert {AlertId} escalated to the clinic lead")]
    public static partial void AlertEscalated(ILogger logger, long alertId);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Alert {AlertId} is overdue for acknowledgement but no clinic lead is configured (FollowUp:Alerts:LeadAddress)")]
    public static partial void NoLead(ILogger logger, long alertId);

    [LoggerMessage(EventId = 407, Level = LogLevel.Information, Message = "Daily digest for therapist {TherapistId} sent ({Open} open alerts)")]
    public static partial void DigestSent(ILogger logger, long therapistId, int open);

    [LoggerMessage(EventId = 408, Level = LogLevel.Information, Message = "Re-assessed {Courses} courses: {Findings} findings, {Raised} alerts raised, {Updated} updated (dry run: {DryRun})")]
    public static partial void Reassessed(ILogger logger, int courses, int findings, int raised, int updated, bool dryRun);

    [LoggerMessage(EventId = 409, Level = LogLevel.Warning, Message = "Alert {AlertId}: self-harm wording in inbound message {InboundId}, which is tied to no course; for the clinic lead")]
    public static partial void CrisisWithoutCourse(ILogger logger, long alertId, long inboundId);

    [LoggerMessage(EventId = 410, Level = LogLevel.Error, Message = "Crisis alert {AlertId} is tied to no course and no clinic lead is configured (FollowUp:Alerts:LeadAddress): nobody is emailed; it stands in status and alert list")]
    public static partial void CrisisWithoutLead(ILogger logger, long alertId);
}
