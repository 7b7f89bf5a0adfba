using System.Data.Common;
using System.Threading.Channels;
using FollowUp.Alerts;
using FollowUp.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.Replies;

/// <summary>A message read from the mailbox, or one refused before it was parsed (too large, malformed) with why.</summary>
internal sealed record Incoming(InboundKey Key, MimeMessage? Message, HeaderList Headers, string? RefusedBecause)
{
    public static Incoming Of(InboundKey key, MimeMessage message) => new(key, message, message.Headers, null);

    public static Incoming Refused(InboundKey key, HeaderList headers, string reason) => new(key, null, headers, reason);
}

/// <summary>
/// Takes inbound messages in: each is classified (<see cref="InboundClassifier"/>, pure), tied to its check-in
/// (<see cref="ReplyMatcher"/>) and recorded with its consequences (<see cref="InboundStore"/>). A chunk of messages
/// is recorded in one transaction; when one of them fails, the chunk is rolled back and redone one message per
/// transaction, so a bad message rolls back only itself.
/// </summary>
internal sealed class ReplyIntake(
    NpgsqlDataSource dataSource,
    IOptions<ClinicOptions> clinicOptions,
    IOptions<InboxOptions> inboxOptions,
    IOptions<AlertOptions> alertOptions,
    ReplyMatcher matcher,
    InboundStore store,
    Acknowledgement acknowledgement,
    CheckIns.CheckInDispatch dispatch,
    ILogger<ReplyIntake> logger)
{
    /// <summary>One message in its own transaction.</summary>
    internal async Task<InboundOutcome> AcceptAsync(InboundKey key, MimeMessage message, CancellationToken cancellationToken) =>
        (await RecordInOwnTransactionAsync(Incoming.Of(key, message), cancellationToken)).Outcome;

    internal async Task<InboundOutcome> RejectAsync(InboundKey key, HeaderList headers, string reason, CancellationToken cancellationToken) =>
        (await RecordInOwnTransactionAsync(Incoming.Refused(key, headers, reason), cancellationToken)).Outcome;

    /// <summary>
    /// Records the messages <paramref name="source"/> yields (in mailbox order, while they are still being fetched)
    /// in one transaction, or, when that fails, one message per transaction. Returns the outcome of every message
    /// recorded, and the server or network fault that stopped the rest, if one did: what was recorded before it may
    /// still be moved.
    /// </summary>
    internal async Task<(Dictionary<InboundKey, InboundOutcome> Outcomes, Exception? Failure)> RecordChunkAsync(ChannelReader<Incoming> source, CancellationToken cancellationToken)
    {
        var outcomes = new Dictionary<InboundKey, InboundOutcome>();
        var chunk = new List<Understood>();
        // Understanding (classify, read the answer: CPU) runs on the thread pool beside the fetch and the recording
        // (round trips to Dovecot and PostgreSQL), on every core, handed on in mailbox order.
        var understood = Channel.CreateUnbounded<Understood>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var understanding = Task.Run(() => UnderstandAllAsync(source, understood.Writer, cancellationToken), CancellationToken.None);
        // Understood and taken from the channel, not recorded yet.
        var waiting = new Queue<Understood>();
        try
        {
            var stored = new List<(InboundKey Key, Stored Stored)>();
            var known = new KnownCheckIns();
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                var run = new InboundRun(store, connection, transaction, known, stored);
                while (waiting.Count > 0 || await understood.Reader.WaitToReadAsync(cancellationToken))
                {
                    // A run costs the same few round trips for one message as for a hundred: it waits until enough are
                    // understood, or every message of the part is. Every message understood meanwhile has its check-in
                    // looked up in one query, and is recorded with the others in one run; the next ones are understood
                    // (and fetched) while the run is stored.
                    while (waiting.Count < InboundRun.Enough && await understood.Reader.WaitToReadAsync(cancellationToken))
                        while (understood.Reader.TryRead(out var next)) waiting.Enqueue(next);
                    if (waiting.Count == 0) continue;
                    await known.LoadAsync(connection, transaction, waiting.Select(u => u.TokenCheckIn), cancellationToken);
                    while (waiting.TryDequeue(out var item))
                    {
                        chunk.Add(item);
                        await run.AddAsync(item.Incoming.Key, await DecideAsync(connection, transaction, item, known, cancellationToken), cancellationToken);
                    }
                    await run.StoreAsync(cancellationToken);
                }
                await understanding;
                if (chunk.Count > 0) await transaction.CommitAsync(cancellationToken);
            }
            foreach (var (key, record) in stored) outcomes[key] = await CommittedAsync(record, cancellationToken);
            return (outcomes, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Rolled back whole: nothing of the chunk is stored. Redone one message at a time, each in its own
            // transaction, so the message at fault is recorded as rejected and every other one is stored once.
            chunk.AddRange(waiting);
            await foreach (var rest in understood.Reader.ReadAllAsync(cancellationToken)) chunk.Add(rest);
            await understanding;
            Log.ChunkRedone(logger, chunk.Count, e);
        }
        finally
        {
            // Cancelled or failed part-way: the understanding stops with the source (the inbox completes it).
            if (!understanding.IsCompleted) await understanding.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        foreach (var message in chunk)
        {
            try
            {
                outcomes[message.Incoming.Key] = await AcceptOrRejectAsync(message, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (outcomes, e);
            }
        }
        return (outcomes, null);
    }

    /// <summary>
    /// A message whose content makes its processing fail (a value the database refuses, text no parser expected) is
    /// recorded as rejected with the error and filed in Rejected for an admin, instead of failing every read of the
    /// mailbox at that message and holding up every reply behind it. Server and network faults still throw.
    /// </summary>
    private async Task<InboundOutcome> AcceptOrRejectAsync(Understood understood, CancellationToken cancellationToken)
    {
        var incoming = understood.Incoming;
        var reason = incoming.RefusedBecause;
        if (reason is null)
        {
            try
            {
                return (await RecordInOwnTransactionAsync(understood, cancellationToken)).Outcome;
            }
            catch (Exception e) when (InboxFailures.IsCausedByContent(e))
            {
                Log.CouldNotProcess(logger, incoming.Key.Uid, e);
                reason = $"could not be processed: {e.GetType().Name}: {e.Message}";
            }
        }
        try
        {
            return (await RecordInOwnTransactionAsync(Incoming.Refused(incoming.Key, incoming.Headers, reason), cancellationToken)).Outcome;
        }
        catch (Exception e) when (InboxFailures.IsCausedByContent(e))
        {
            // The headers themselves are what the database refuses: the record keeps the reason, not them.
            var bare = Incoming.Refused(incoming.Key, [], $"{reason}; headers not stored ({e.GetType().Name}: {e.Message})");
            return (await RecordInOwnTransactionAsync(bare, cancellationToken)).Outcome;
        }
    }

    private Task<Stored> RecordInOwnTransactionAsync(Incoming incoming, CancellationToken cancellationToken) =>
        RecordInOwnTransactionAsync(Understand(incoming), cancellationToken);

    private async Task<Stored> RecordInOwnTransactionAsync(Understood understood, CancellationToken cancellationToken)
    {
        Stored stored;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            stored = await RecordAsync(connection, transaction, understood, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return stored with { Outcome = await CommittedAsync(stored, cancellationToken) };
    }

    /// <summary>
    /// A message as the inbox understands it before any database work: classified, its sender's proof, the check-in its
    /// reply token names. What the reading threw (hostile content) is kept, and thrown where the message is recorded.
    /// </summary>
    private sealed record Understood(Incoming Incoming, Classification? Classified, SenderProof Proof, long? TokenCheckIn, Exception? Failure);

    private Understood Understand(Incoming incoming)
    {
        if (incoming.Message is not { } message) return new Understood(incoming, null, SenderProof.Unverifiable, null, null);
        try
        {
            var classified = InboundClassifier.Classify(message, clinicOptions.Value, inboxOptions.Value, CrisisWords.For(alertOptions.Value.SelfHarmPhrases));
            // Who sent it, as the clinic's own receiving server says: decides what the message may change.
            return new Understood(incoming, classified, inboxOptions.Value.ProofOf(message), matcher.TokenCheckIn(message), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Understood(incoming, null, SenderProof.Unverifiable, null, e);
        }
    }

    private async Task UnderstandAllAsync(ChannelReader<Incoming> source, ChannelWriter<Understood> understood, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            // One message per core at a time, handed on in mailbox order. Understanding is pure (no connection, no
            // shared state), so a message understood beside another reads exactly as it would alone.
            var inFlight = new Queue<Task<Understood>>();
            await foreach (var incoming in source.ReadAllAsync(cancellationToken))
            {
                inFlight.Enqueue(Task.Run(() => Understand(incoming), CancellationToken.None));
                if (inFlight.Count >= Environment.ProcessorCount) await understood.WriteAsync(await inFlight.Dequeue(), cancellationToken);
            }
            while (inFlight.TryDequeue(out var next)) await understood.WriteAsync(await next, cancellationToken);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            understood.TryComplete(failure);
        }
    }

    /// <summary>Match and decide: what the message is, before anything of it is stored.</summary>
    private async Task<Inbound> DecideAsync(DbConnection connection, DbTransaction transaction, Understood understood, KnownCheckIns? known, CancellationToken cancellationToken)
    {
        var incoming = understood.Incoming;
        if (understood.Failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        if (incoming.Message is not { } message || understood.Classified is not { } classified)
            return new Inbound(InboundOutcome.Rejected, incoming.RefusedBecause ?? "", null, incoming.Headers, "", null);
        var proof = understood.Proof;
        ReplyMatch match;
        switch (classified.Kind)
        {
            case InboundKind.DeliveryReport:
                match = await matcher.MatchReportAsync(connection, transaction, classified, message, known, cancellationToken);
                break;
            case InboundKind.Complaint:
                match = await matcher.MatchComplaintAsync(connection, transaction, classified.Complaint!, known, cancellationToken);
                break;
            case InboundKind.AutomaticReply when classified.OutOfOffice:
            case InboundKind.Personal:
                // A therapist's reply to an alert (token kind 'a'), e.g. "ACK": handled in Alerts/, filed as Processed.
                if (classified.Kind == InboundKind.Personal && await acknowledgement.TryAcceptAsync(message, classified.OwnText, proof == SenderProof.Verified, cancellationToken) is { } ack)
                    return new Inbound(ack.Accepted ? InboundOutcome.Answer : InboundOutcome.Unmatched, ack.Detail, null, message.Headers, classified.Body, message) { Proof = proof };
                match = await matcher.MatchReplyAsync(connection, transaction, message, proof, known, cancellationToken);
                break;
            default:
                match = ReplyMatch.None;
                break;
        }
        return Inbound.Decide(classified, match, message) with { Proof = proof };
    }

    /// <summary>Match, decide, store: everything but the commit.</summary>
    private async Task<Stored> RecordAsync(DbConnection connection, DbTransaction transaction, Understood understood, CancellationToken cancellationToken) =>
        await store.RecordAsync(connection, transaction, understood.Incoming.Key, await DecideAsync(connection, transaction, understood, null, cancellationToken), cancellationToken);

    /// <summary>After the commit: said once, counted, and the clarification or STOP confirmation it queued sent at once.</summary>
    internal async Task<InboundOutcome> CommittedAsync(Stored stored, CancellationToken cancellationToken)
    {
        if (stored.InboundId is not { } id) return stored.Outcome;
        var name = InboundOutcomes.Name(stored.Outcome);
        Log.Recorded(logger, id, name, stored.CheckInId);
        Operations.FollowUpMetrics.Reply(name);
        if (stored.Clarification is { } queued) await SendClarificationAsync(queued, stored.CheckInId, cancellationToken);
        return stored.Outcome;
    }

    /// <summary>
    /// The clarification is queued (committed with the reply); sending it now answers the patient while they are at
    /// their mail, through dispatch's own claim, check and record. Whatever stops this send leaves it queued for
    /// dispatch's next run.
    /// </summary>
    private async Task SendClarificationAsync(long id, long? checkInId, CancellationToken cancellationToken)
    {
        try
        {
            await dispatch.SendNowAsync(CheckIns.OutgoingKind.Clarification, id, cancellationToken);
        }
        catch (Exception e) when (Operations.Outages.IsDatabaseOutage(e))
        {
            Log.ClarificationQueued(logger, checkInId ?? 0, e);
        }
    }
}
