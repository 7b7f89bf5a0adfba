namespace FollowUp.Replies;

/// <summary>How the replies mailbox is read (section <c>FollowUp:Inbox</c>).</summary>
public sealed class InboxOptions
{
    public const string Section = "FollowUp:Inbox";

    /// <summary>How often the mailbox is read.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages larger than this are not downloaded: recorded as rejected and moved aside.</summary>
    public int MaxMessageBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// Messages read per round, so one huge backlog cannot hold the job for ever; each round's messages are recorded
    /// in one transaction (at most 16 MB of them; more are split).
    /// </summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Messages with more MIME parts than this (thousands of attachments) are recorded as rejected, not parsed.</summary>
    public int MaxMimeParts { get; set; } = 100;

    /// <summary>Delayed-delivery reports in a row (no answer in between) after which the address is suppressed.</summary>
    public int SoftBounceLimit { get; set; } = 3;

    /// <summary>How long reminders of a check-in wait after an out-of-office reply (the date in it is not machine-readable).</summary>
    public TimeSpan OutOfOfficeDeferral { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long one run of the inbox job may hold the mailbox with IDLE before it returns to the scheduler. Zero reads
    /// once and returns (polling only).
    /// </summary>
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.Zero;

    /// <summary>IDLE is re-issued after this long: Gmail and many servers drop idle connections at about 10 minutes (RFC 2177 allows 29).</summary>
    public TimeSpan IdleRestart { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>
    /// A reply that arrives longer than this after its check-in expired is kept for the therapist, never applied: an
    /// answer about "the past week" read weeks later is not that week's pain, and must not replace what was stored.
    /// Within it a late reply still counts (a patient back from a trip). Default 14 days (two weekly check-in periods).
    /// </summary>
    public TimeSpan LateReplyGrace { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// The authserv-id of the clinic's own receiving server, as it writes it at the start of its Authentication-Results
    /// header (RFC 8601), e.g. <c>mx.clinic.example</c> or <c>mx.google.com</c>. Only that header proves who sent a
    /// message; without this setting (and without <see cref="TrustAllSenders"/>) every sender is unverifiable.
    /// </summary>
    public string? AuthServId { get; set; }

    /// <summary>
    /// For a local or test mail server that adds no Authentication-Results: every sender counts as verified. Never on
    /// by default; logged at every start when on, and shown by <c>config check</c>.
    /// </summary>
    public bool TrustAllSenders { get; set; }

    /// <summary>How senders are proved, as <c>config check</c> prints it.</summary>
    internal string DescribeSenderProof() =>
        TrustAllSenders ? $"{Section}: every sender trusted as verified (TrustAllSenders; for local and test servers only)"
        : string.IsNullOrWhiteSpace(AuthServId) ? $"{Section}: no AuthServId: every sender is unverifiable, so replies are kept for the therapist to confirm"
        : $"{Section}: senders proved by the Authentication-Results of {AuthServId.Trim()}";

    /// <summary>Said at every start when on: anyone who knows a patient's address may then write into the record.</summary>
    internal string? TrustWarning() =>
        TrustAllSenders ? $"{Section}:TrustAllSenders is true: every From: is believed, so anyone who knows a patient's address can answer, STOP or ACK for them" : null;

    /// <summary>What the clinic's server says about this message's sender.</summary>
    internal SenderProof ProofOf(MimeKit.MimeMessage message) =>
        TrustAllSenders ? SenderProof.Verified
        : string.IsNullOrWhiteSpace(AuthServId) ? SenderProof.Unverifiable
        : SenderVerification.Decide(message.Headers.Select(h => (h.Field, h.Value)), message.From.Mailboxes.FirstOrDefault()?.Address ?? "", AuthServId);

    internal IEnumerable<string> Validate()
    {
        if (AuthServId is { } id && (id.Trim().Length == 0 || id.Trim().Any(c => c <= ' ' || c >= 127 || c is ';' or '(' or ')' or '"')))
            yield return $"{Section}:AuthServId must be the receiving server's authserv-id, one word such as mx.clinic.example (was \"{id}\").";
        if (MaxMimeParts is < 2 or > 100_000) yield return $"{Section}:MaxMimeParts must be 2-100000 (was {MaxMimeParts}).";
        if (SoftBounceLimit is < 1 or > 100) yield return $"{Section}:SoftBounceLimit must be 1-100 (was {SoftBounceLimit}).";
        if (OutOfOfficeDeferral < TimeSpan.Zero || OutOfOfficeDeferral > TimeSpan.FromDays(60)) yield return $"{Section}:OutOfOfficeDeferral must be 0-60 days (was {OutOfOfficeDeferral}).";
        if (MaxRunTime < TimeSpan.Zero || MaxRunTime > TimeSpan.FromHours(1)) yield return $"{Section}:MaxRunTime must be between 0 and 01:00:00 (was {MaxRunTime}).";
        if (IdleRestart < TimeSpan.FromSeconds(1) || IdleRestart >= TimeSpan.FromMinutes(29)) yield return $"{Section}:IdleRestart must be 1 s to under 29 min (was {IdleRestart}).";
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
            yield return $"{Section}:PollInterval must be between 00:00:00.1 and 01:00:00 (was {PollInterval}).";
        if (MaxMessageBytes is < 10_000 or > 100 * 1024 * 1024) yield return $"{Section}:MaxMessageBytes must be 10000-104857600 (was {MaxMessageBytes}).";
        if (BatchSize is < 1 or > 10_000) yield return $"{Section}:BatchSize must be 1-10000 (was {BatchSize}).";
        if (LateReplyGrace < TimeSpan.Zero || LateReplyGrace > TimeSpan.FromDays(365)) yield return $"{Section}:LateReplyGrace must be 0-365 days (was {LateReplyGrace}).";
    }
}
