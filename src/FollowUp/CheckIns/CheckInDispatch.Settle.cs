namespace FollowUp.CheckIns;

internal sealed partial class CheckInDispatch
{
    // The one thing a run keeps in memory: a message the SMTP server accepted while the database could not take its
    // record (a restart, a failover). It is recorded first thing when the database answers again; released instead, it
    // would go out twice. A process that dies meanwhile loses it, which is the crash of docs/reliability.md, "No
    // check-in lost, none sent twice": the row is still 'sending' and is sent again after ClaimLease. Everything else
    // a run leaves behind is settled from the database (OutgoingQueue.ReleaseStrandedAsync).
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Lane, CheckInToSend Item, string MessageId, DateTimeOffset[] Reminders)> _unrecorded = new();

    // One-off lanes (SendNowAsync) that ended on a fault, whose claim the next run settles with its own lanes'.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _endedOneOffs = new(StringComparer.Ordinal);
    private long _oneOffs;

    /// <summary>Records a message the SMTP server accepted; with the database gone meanwhile, keeps it to record on its return.</summary>
    private async Task RecordSentAsync(Lane lane, CheckInToSend item, string messageId, DateTimeOffset[] reminders)
    {
        try
        {
            await RecordAsync(lane.Name, item, messageId, reminders, await lane.RecordsAsync(CancellationToken.None), CancellationToken.None);
        }
        catch (Exception e) when (Operations.Outages.IsDatabaseOutage(e))
        {
            _unrecorded.Enqueue((lane.Name, item, messageId, reminders));
            throw;
        }
    }

    /// <summary>Records what was sent while the database was away, then hands back the lanes' claims a cut-off run left.</summary>
    private async Task SettleAsync(string[] lanes, CancellationToken cancellationToken)
    {
        while (_unrecorded.TryPeek(out var u))
        {
            await RecordAsync(u.Lane, u.Item, u.MessageId, u.Reminders, null, cancellationToken);
            _unrecorded.TryDequeue(out _);
        }
        // A claim recorded as sent just above is no longer 'sending', so this leaves it alone.
        var oneOffs = _endedOneOffs.Keys.ToArray();
        await _queue.ReleaseStrandedAsync([.. lanes, .. oneOffs], cancellationToken);
        foreach (var lane in oneOffs) _endedOneOffs.TryRemove(lane, out _);
    }
}
