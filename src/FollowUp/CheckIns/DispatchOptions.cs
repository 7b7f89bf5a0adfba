namespace FollowUp.CheckIns;

/// <summary>How due check-ins are sent (section <c>FollowUp:Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    public const string Section = "FollowUp:Dispatch";

    /// <summary>How often each worker looks for due check-ins.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Check-ins claimed per round trip.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// A claim older than this (on the database clock) belongs to a worker that died mid-send; another takes it over.
    /// This is the one window for a duplicate email: the server had accepted it, the worker died before recording it.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Give up on a check-in after this many transient failures (4xx, connection errors).</summary>
    public int MaxAttempts { get; set; } = 8;

    internal IEnumerable<string> Validate()
    {
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
            yield return $"{Section}:PollInterval must be between 00:00:00.1 and 01:00:00 (was {PollInterval}).";
        if (BatchSize is < 1 or > 10_000) yield return $"{Section}:BatchSize must be 1-10000 (was {BatchSize}).";
        if (ClaimLease < TimeSpan.FromMinutes(1)) yield return $"{Section}:ClaimLease must be at least 00:01:00 (was {ClaimLease}).";
        if (MaxAttempts is < 1 or > 100) yield return $"{Section}:MaxAttempts must be 1-100 (was {MaxAttempts}).";
    }
}
