using System.Data.Common;

namespace FollowUp.Replies;

/// <summary>
/// The check-ins a chunk's reply tokens name, looked up together in the chunk's transaction instead of one query per
/// message. A check-in is forgotten once a message about it is recorded (an answer changes its state), and every one
/// once a message changes more than its own check-in (an opt-out, a bounce, an absence): the next message then reads
/// the database again, as it would without this.
/// </summary>
internal sealed class KnownCheckIns
{
    private readonly Dictionary<long, CheckInRef?> byId = [];

    public bool TryGet(long id, out CheckInRef? found) => byId.TryGetValue(id, out found);

    /// <summary>Looks up those of <paramref name="ids"/> not known yet, in one query.</summary>
    public async Task LoadAsync(DbConnection connection, DbTransaction transaction, IEnumerable<long?> ids, CancellationToken cancellationToken)
    {
        var missing = ids.OfType<long>().Where(id => !byId.ContainsKey(id)).Distinct().ToArray();
        if (missing.Length == 0) return;
        var found = (await ReplyMatcher.ByIdsAsync(connection, transaction, missing, cancellationToken)).ToDictionary(c => c.Id);
        foreach (var id in missing) byId[id] = found.GetValueOrDefault(id);
    }

    /// <summary>After a message is recorded: what it may have changed is read again.</summary>
    public void Recorded(Stored stored)
    {
        if (stored.CheckInId is not { } checkInId) return;
        if (stored.Outcome == InboundOutcome.Answer) byId.Remove(checkInId);
        else byId.Clear();
    }
}
