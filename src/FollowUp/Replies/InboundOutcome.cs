namespace FollowUp.Replies;

/// <summary>Where a message read from the replies mailbox ends up; each has its own IMAP folder.</summary>
/// <remarks>
/// <see cref="Unverified"/>: a reply tied to its check-in (token or thread, from the patient's address) whose sender the
/// clinic's server did not verify: kept with its check-in for the therapist to confirm, never applied.
/// <see cref="Held"/>: the patient's own reply, but to a withdrawn course or long after its check-in expired: kept with
/// its check-in for the therapist, never applied on its own.
/// <see cref="Complaint"/>: a mailbox provider's feedback-loop report that the patient marked a check-in as spam: the
/// address is suppressed (an admin may lift it).
/// </remarks>
internal enum InboundOutcome { Answer, OptOut, Unmatched, Bounce, AutoReply, Rejected, Duplicate, Unverified, Held, Complaint }

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
        InboundOutcome.Unmatched or InboundOutcome.Unverified or InboundOutcome.Held => "Unmatched",
        InboundOutcome.Bounce or InboundOutcome.Complaint => "Bounces",
        InboundOutcome.AutoReply => "Auto-replies",
        _ => "Rejected",
    };

    public static readonly string[] All = ["Processed", "Unmatched", "Bounces", "Auto-replies", "Rejected"];
}
