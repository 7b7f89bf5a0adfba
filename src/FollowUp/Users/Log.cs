using Microsoft.Extensions.Logging;

namespace FollowUp.Users;

// IDs only: never the address, the link or the nonce (a sign-in link in a log is a key to the patients' records).
internal static partial class Log
{
    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Sign-in link sent to user {UserId}")]
    public static partial void SignInLinkSent(ILogger logger, long userId);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "User {UserId} signed in")]
    public static partial void SignedIn(ILogger logger, long userId);
}
