namespace FollowUp.Operations;

/// <summary>
/// How the worker instances sharing one database notice that one of them died (section <c>FollowUp:Cluster</c>).
/// Each node writes a check-in row (qrtz_scheduler_state) every <see cref="CheckinInterval"/>; a node whose row is older
/// than that interval plus <see cref="CheckinMisfireThreshold"/> is declared dead, and another node releases its
/// cluster-wide jobs (inbox, escalation, digest) to run elsewhere. Shorter means a faster takeover; too short declares a
/// live node dead during a long pause (GC, a starved CPU) and lets its cluster-wide job start a second time while
/// it still runs (the database claims keep that harmless, but it is wasted work).
/// </summary>
internal sealed class ClusterOptions
{
    public const string Section = "FollowUp:Cluster";

    /// <summary>How often each node records that it is alive (Quartz's clusterCheckinInterval).</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How late a node's check-in may be before the others treat it as dead (Quartz's clusterCheckinMisfireThreshold).</summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(15);

    internal IEnumerable<string> Validate()
    {
        if (CheckinInterval < TimeSpan.FromMilliseconds(500) || CheckinInterval > TimeSpan.FromMinutes(5))
            yield return $"{Section}:CheckinInterval must be between 00:00:00.5 and 00:05:00 (was {CheckinInterval}).";
        if (CheckinMisfireThreshold < TimeSpan.FromSeconds(1) || CheckinMisfireThreshold > TimeSpan.FromMinutes(10))
            yield return $"{Section}:CheckinMisfireThreshold must be between 00:00:01 and 00:10:00 (was {CheckinMisfireThreshold}).";
    }
}
