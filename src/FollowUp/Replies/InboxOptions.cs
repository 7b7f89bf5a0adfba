namespace FollowUp.Replies;

/// <summary>How the replies mailbox is read (section <c>FollowUp:Inbox</c>).</summary>
public sealed class InboxOptions
{
    public const string Section = "FollowUp:Inbox";

    /// <summary>How often the mailbox is read.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages larger than this are not downloaded: recorded as rejected and moved aside.</summary>
    public int MaxMessageBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Messages read per round, so one huge backlog cannot hold the job for ever.</summary>
    public int BatchSize { get; set; } = 200;

    internal IEnumerable<string> Validate()
    {
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
            yield return $"{Section}:PollInterval must be between 00:00:00.1 and 01:00:00 (was {PollInterval}).";
        if (MaxMessageBytes is < 10_000 or > 100 * 1024 * 1024) yield return $"{Section}:MaxMessageBytes must be 10000-104857600 (was {MaxMessageBytes}).";
        if (BatchSize is < 1 or > 10_000) yield return $"{Section}:BatchSize must be 1-10000 (was {BatchSize}).";
    }
}
