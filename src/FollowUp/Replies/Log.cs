using Microsoft.Extensions.Logging;

namespace FollowUp.Replies;

internal static partial class Log
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Inbox: {Read} message(s) read, {Answers} answer(s) stored")]
    public static partial void InboxRead(ILogger logger, int read, int answers);

    /// <summary>A message that belongs to no check-in (unmatched, a stranger's) says so, not "check-in (null)".</summary>
    public static void Recorded(ILogger logger, long inboundId, string outcome, long? checkInId)
    {
        if (checkInId is { } id) RecordedForCheckIn(logger, inboundId, outcome, id);
        else RecordedWithoutCheckIn(logger, inboundId, outcome);
    }

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Inbound message {InboundId}: {Outcome} (check-in {CheckInId})")]
    private static partial void RecordedForCheckIn(ILogger logger, long inboundId, string outcome, long checkInId);

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "Inbound message {InboundId}: {Outcome} (no check-in)")]
    private static partial void RecordedWithoutCheckIn(ILogger logger, long inboundId, string outcome);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Patient {PatientId} opted out; {Cancelled} planned check-in(s) cancelled")]
    public static partial void OptedOut(ILogger logger, long patientId, int cancelled);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Clarification sent for check-in {CheckInId}")]
    public static partial void ClarificationSent(ILogger logger, long checkInId);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Clarification for check-in {CheckInId} could not be sent; it is not retried (never two)")]
    public static partial void ClarificationFailed(ILogger logger, long checkInId, Exception exception);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Inbox connection lost; reconnecting")]
    public static partial void Reconnecting(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "UIDVALIDITY of {Mailbox} changed from {Old} to {New}: UIDs are new, Message-IDs keep answers from being stored twice")]
    public static partial void UidValidityChanged(ILogger logger, string mailbox, uint old, uint @new);

    [LoggerMessage(EventId = 307, Level = LogLevel.Error, Message = "Inbound message UID {Uid} could not be processed; recorded as rejected and filed in Rejected for an admin")]
    public static partial void CouldNotProcess(ILogger logger, uint uid, Exception exception);

    [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "A chunk of {Count} inbound message(s) could not be recorded in one transaction; nothing of it was stored, and it is recorded again one message at a time")]
    public static partial void ChunkRedone(ILogger logger, int count, Exception exception);
}
