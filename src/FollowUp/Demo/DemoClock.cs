namespace FollowUp.Demo;

/// <summary>
/// The demo's business clock: the real clock plus an offset the demo moves forward, so three months of follow-up
/// pass in about a minute while timers (Quartz's ticks, timeouts) keep running in real time.
/// </summary>
internal sealed class DemoClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves business time forward to <paramref name="instant"/> (never backwards).</summary>
    public void JumpTo(DateTimeOffset instant)
    {
        var delta = (instant - GetUtcNow()).Ticks;
        if (delta > 0) Interlocked.Add(ref _offsetTicks, delta);
    }
}
