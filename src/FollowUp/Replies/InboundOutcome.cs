namespace FollowUp.Replies;

/// <summary>Where a message read from the replies mailbox ends up; each has its own IMAP folder.</summary>
internal enum InboundOutcome { Answer, OptOut, Unmatched, Bounce, AutoReply, Rejected, Duplicate }

internal static class InboundOutcomes
{
    /// <summary>The outcome as stored in inbound_messages.outcome.</summary>
    public static string Name(InboundOutcome outcome) => outcome switch
    {
        InboundOutcome.OptOut => "opt_out",
        InboundOutcome.AutoReply => "auto_reply",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static InboundOutcome Parse(string name) => Enum.GetValues<InboundOutcome>().First(o => Name(o) == name);
}

internal static class InboundFolders
{
    public static string For(InboundOutcome outcome) => outcome switch
    {
        InboundOutcome.Answer or InboundOutcome.OptOut or InboundOutcome.Duplicate => "Processed",
        InboundOutcome.Unmatched => "Unmatched",
        InboundOutcome.Bounce => "Bounces",
        InboundOutcome.AutoReply => "Auto-replies",
        _ => "Rejected",
    };

    public static readonly string[] All = ["Processed", "Unmatched", "Bounces", "Auto-replies", "Rejected"];
}
