using System.Data.Common;

namespace FollowUp.Replies;

/// <summary>
/// The messages of a chunk decided and not yet stored, recorded together (<see cref="InboundStore.RecordAllAsync"/>:
/// a constant number of round trips however many) as long as storing them together is storing them one after another:
/// each changes nothing beyond its own record and answer, and no two are about the same course. A message that changes
/// more (an opt-out, a bounce, an absence, self-harm wording not applied) is stored alone, after those before it.
/// </summary>
internal sealed class InboundRun(InboundStore store, DbConnection connection, DbTransaction transaction, KnownCheckIns known, List<(InboundKey Key, Stored Stored)> stored)
{
    /// <summary>Enough to make the round trips rare; few enough that the statements of one batch stay small.</summary>
    private const int MaxMessages = 100;

    /// <summary>The messages a run waits for, while more are still being fetched and understood.</summary>
    public const int Enough = 50;

    private readonly List<(InboundKey Key, Inbound Inbound)> pending = [];
    private readonly HashSet<long> courses = [];

    public async Task AddAsync(InboundKey key, Inbound inbound, CancellationToken cancellationToken)
    {
        var alone = !InboundStore.ChangesOnlyItsOwn(inbound);
        if (alone || pending.Count >= MaxMessages || inbound.CheckIn is { } checkIn && courses.Contains(checkIn.CourseId))
            await StoreAsync(cancellationToken);
        pending.Add((key, inbound));
        if (inbound.CheckIn is { } named) courses.Add(named.CourseId);
        if (alone) await StoreAsync(cancellationToken);
    }

    /// <summary>Stores what is pending, in the chunk's transaction.</summary>
    public async Task StoreAsync(CancellationToken cancellationToken)
    {
        if (pending.Count == 0) return;
        var records = await store.RecordAllAsync(connection, transaction, pending, cancellationToken);
        for (var i = 0; i < pending.Count; i++)
        {
            stored.Add((pending[i].Key, records[i]));
            known.Recorded(records[i]);
        }
        pending.Clear();
        courses.Clear();
    }
}
