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

    internal IEnumerable<string> Validate()
    {
        if (MaxMimeParts is < 2 or > 100_000) yield return $"{Section}:MaxMimeParts must be 2-100000 (was {MaxMimeParts}).";
        if (SoftBounceLimit is < 1 or > 100) yield return $"{Section}:SoftBounceLimit must be 1-100 (was {SoftBounceLimit}).";
        if (OutOfOfficeDeferral < TimeSpan.Zero || OutOfOfficeDeferral > TimeSpan.FromDays(60)) yield return $"{Section}:OutOfOfficeDeferral must be 0-60 days (was {OutOfOfficeDeferral}).";
        if (MaxRunTime < TimeSpan.Zero || MaxRunTime > TimeSpan.FromHours(1)) yield return $"{Section}:MaxRunTime must be between 0 and 01:00:00 (was {MaxRunTime}).";
        if (IdleRestart < TimeSpan.FromSeconds(1) || IdleRestart >= TimeSpan.FromMinutes(29)) yield return $"{Section}:IdleRestart must be 1 s to under 29 min (was {IdleRestart}).";
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
            yield return $"{Section}:PollInterval must be between 00:00:00.1 and 01:00:00 (was {PollInterval}).";
        if (MaxMessageBytes is < 10_000 or > 100 * 1024 * 1024) yield return $"{Section}:MaxMessageBytes must be 10000-104857600 (was {MaxMessageBytes}).";
        if (BatchSize is < 1 or > 10_000) yield return $"{Section}:BatchSize must be 1-10000 (was {BatchSize}).";
    }
}
