using FollowUp.Alerts;
using Microsoft.Extensions.Options;

namespace FollowUp.Replies;

/// <summary>What a decision on a kept reply did, in words for the admin tool (and the web face).</summary>
public sealed record KeptReplyDecision(bool Done, string Message);

/// <summary>
/// A therapist's decision on a reply kept with its check-in for them: an unverified sender's (the token, not the
/// writer, is proved), or the patient's own to a withdrawn course or long after the check-in expired. Apply it (once
/// the therapist has confirmed it with the patient) or dismiss it; both audited with who decided.
/// </summary>
public sealed class KeptReplies
{
    private readonly InboundStore _store;
    private readonly IOptions<AlertOptions> _alertOptions;

    // Internal: the store it decides through is the inbox's own (registered by a factory in InboxFeature).
    internal KeptReplies(InboundStore store, IOptions<AlertOptions> alertOptions)
    {
        _store = store;
        _alertOptions = alertOptions;
    }

    public Task<KeptReplyDecision> ApplyAsync(long inboundId, string by, CancellationToken cancellationToken) => DecideAsync(inboundId, true, by, cancellationToken);

    public Task<KeptReplyDecision> DismissAsync(long inboundId, string by, CancellationToken cancellationToken) => DecideAsync(inboundId, false, by, cancellationToken);

    private async Task<KeptReplyDecision> DecideAsync(long inboundId, bool apply, string by, CancellationToken cancellationToken)
    {
        var (decision, detail) = await _store.DecideKeptAsync(inboundId, apply, by, CrisisWords.For(_alertOptions.Value.SelfHarmPhrases), cancellationToken);
        return decision switch
        {
            KeptDecision.Applied => new(true, $"Kept reply {inboundId} applied to its check-in by {by}."),
            KeptDecision.Dismissed => new(true, $"Kept reply {inboundId} dismissed by {by}; nothing was applied."),
            KeptDecision.NotFound => new(false, $"inbound message {inboundId} does not exist"),
            KeptDecision.NotKept => new(false, $"inbound message {inboundId} is not a reply kept for the therapist (it is {detail}); see followup-admin course show"),
            KeptDecision.AlreadyDecided => new(false, $"kept reply {inboundId} was already {detail}"),
            KeptDecision.CourseWithdrawn => new(false, $"kept reply {inboundId} is to a withdrawn course: not applied (dismiss it, or resume the course first)"),
            KeptDecision.NewerAnswer => new(false, $"kept reply {inboundId} not applied: its check-in already holds an answer received after it ({detail}), which it would overwrite"),
            KeptDecision.StoredAnswer => new(false, $"kept reply {inboundId} not applied: it is held (late, or to a withdrawn course) and its check-in already holds an answer ({detail}), which a held reply never replaces"),
            _ => throw new InvalidOperationException($"unknown decision {decision}"),
        };
    }
}
