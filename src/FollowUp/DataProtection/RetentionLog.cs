using Microsoft.Extensions.Logging;

namespace FollowUp.DataProtection;

// Counts, kinds and ids only: a retention run or an erasure never names what it removed.
internal static partial class Log
{
    [LoggerMessage(EventId = 1950, Level = LogLevel.Information, Message = "Retention: {Count} row(s) of {Kind} past their period removed")]
    public static partial void Removed(ILogger logger, string kind, long count);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Information, Message = "Retention: another run holds the lock; this one does nothing")]
    public static partial void AlreadyRunning(ILogger logger);

    [LoggerMessage(EventId = 1952, Level = LogLevel.Warning, Message = "Retention: the mailbox could not be swept ({Failure}); the next run tries again")]
    public static partial void MailboxFailed(ILogger logger, string failure);

    [LoggerMessage(EventId = 1960, Level = LogLevel.Warning,
        Message = "Inbound message {InboundId} comes from the address of a patient erased on {ErasedOn} (erasure {ErasureId}): kept as a stranger's; 'patient erase' of the address again removes it")]
    public static partial void FromErasedAddress(ILogger logger, long inboundId, DateOnly erasedOn, long erasureId);
}
