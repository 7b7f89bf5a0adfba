using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FollowUp.Tests.Replies;

/// <summary>The inbox's log line for each message says which check-in it belongs to, or that it belongs to none.</summary>
public class InboxLogTests
{
    [Fact]
    public void A_message_that_belongs_to_no_check_in_is_logged_as_such_not_as_check_in_null()
    {
        var logger = new FakeLogger();

        FollowUp.Replies.Log.Recorded(logger, 41, "unmatched", null);
        FollowUp.Replies.Log.Recorded(logger, 42, "answer", 7);

        var lines = logger.Collector.GetSnapshot().Select(r => r.Message).ToList();
        Assert.Equal(["Inbound message 41: unmatched (no check-in)", "Inbound message 42: answer (check-in 7)"], lines);
        Assert.All(logger.Collector.GetSnapshot(), r => Assert.Equal(LogLevel.Information, r.Level));
    }
}
