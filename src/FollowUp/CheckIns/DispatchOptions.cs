namespace FollowUp.CheckIns;

/// <summary>How due check-ins are sent (section <c>FollowUp:Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    public const string Section = "FollowUp:Dispatch";

    /// <summary>How often each worker looks for due check-ins.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Check-ins claimed per round trip, per lane.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Sending lanes per worker: each has its own SMTP connection, reused for everything it sends.</summary>
    public int Lanes { get; set; } = 1;

    /// <summary>At most this many emails (check-ins and reminders) a minute across all workers; 0 = no cap.</summary>
    public int RatePerMinute { get; set; }

    /// <summary>
    /// A claim older than this (on the database clock) belongs to a worker that died mid-send; another takes it over.
    /// This is the one window for a duplicate email: the server had accepted it, the worker died before recording it.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Give up on a check-in after this many transient failures (4xx, connection errors).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>No longer read: the web face serves the one-click unsubscribe page under FollowUp:Web:PublicUrl. Refused when set, so a clinic notices.</summary>
    public string? UnsubscribeUrl { get; set; }

    /// <summary>PEM private key for DKIM signing; with <see cref="DkimDomain"/> and <see cref="DkimSelector"/>. Optional.</summary>
    public string? DkimKeyFile { get; set; }
    /// <summary>The d= domain of the DKIM signature (usually the From address's domain).</summary>
    public string? DkimDomain { get; set; }
    /// <summary>The s= selector: the public key is published at SELECTOR._domainkey.DOMAIN.</summary>
    public string? DkimSelector { get; set; }

    internal IEnumerable<string> Validate()
    {
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
            yield return $"{Section}:PollInterval must be between 00:00:00.1 and 01:00:00 (was {PollInterval}).";
        if (BatchSize is < 1 or > 10_000) yield return $"{Section}:BatchSize must be 1-10000 (was {BatchSize}).";
        if (Lanes is < 1 or > 32) yield return $"{Section}:Lanes must be 1-32 (was {Lanes}).";
        if (RatePerMinute is < 0 or > 100_000) yield return $"{Section}:RatePerMinute must be 0 (no cap) to 100000 (was {RatePerMinute}).";
        if (ClaimLease < TimeSpan.FromMinutes(1)) yield return $"{Section}:ClaimLease must be at least 00:01:00 (was {ClaimLease}).";
        if (MaxAttempts is < 1 or > 100) yield return $"{Section}:MaxAttempts must be 1-100 (was {MaxAttempts}).";
        if (!string.IsNullOrWhiteSpace(UnsubscribeUrl))
            yield return $"{Section}:UnsubscribeUrl is no longer used: FollowUp serves the one-click unsubscribe page itself at {Mail.PatientPagesOptions.Section}:PublicUrl{Mail.PatientLinks.UnsubscribePath}; remove it and set {Mail.PatientPagesOptions.Section}:PublicUrl (was '{UnsubscribeUrl}').";
        if (!string.IsNullOrWhiteSpace(DkimKeyFile))
        {
            if (!File.Exists(DkimKeyFile)) yield return $"{Section}:DkimKeyFile does not exist: {DkimKeyFile}";
            if (string.IsNullOrWhiteSpace(DkimDomain) || string.IsNullOrWhiteSpace(DkimSelector))
                yield return $"{Section}:DkimDomain and {Section}:DkimSelector are required with {Section}:DkimKeyFile.";
        }
    }
}
