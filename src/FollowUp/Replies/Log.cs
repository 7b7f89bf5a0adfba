using Microsoft.Extensions.Logging;

namespace FollowUp.Replies;

internal static partial class Log
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Inbox: {Read} message(s) read, {Answers} answer(s) stored")]
    public static partial void InboxRead(ILogger logger, int read, int answers);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Inbound message {InboundId}: {Outcome} (check-in {CheckInId})")]
    public static partial void Recorded(ILogger logger, long inboundId, string outcome, long? checkInId);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Patient {PatientId} opted out; {Cancelled} planned check-in(s) cancelled")]
    public static partial void OptedOut(ILogger logger, long patientId, int cancelled);
}
