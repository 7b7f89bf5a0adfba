using System.Text.Json;
using MimeKit;
using Npgsql;
using NpgsqlTypes;

namespace FollowUp.Replies;

/// <summary>
/// The inbound_messages row of one message and its audit row, as <see cref="InboundRows.InsertInbound"/> writes them:
/// what the message says, cleaned and cut to what the columns hold.
/// </summary>
internal sealed record InboundRecord(InboundKey Key, Inbound Inbound, string? MessageId)
{
    // 900 characters are at most 2,700 bytes of UTF-8; RFC 5322 lines end at 998 characters anyway.
    private const int MaxMessageIdLength = 900;

    private const int MaxStoredText = 64 * 1024;

    private const string DuplicateDetail = "same Message-ID as a message already processed";

    /// <summary>Whether recording it stores an answer (then its check-in is locked with the record, and its current reply read).</summary>
    public bool StoresAnswer => Inbound is { Outcome: InboundOutcome.Answer, CheckIn: not null, Answer: not null };

    public static InboundRecord Of(InboundKey key, Inbound inbound)
    {
        var messageId = inbound.Message?.MessageId ?? inbound.Headers[HeaderId.MessageId];
        // Indexed, and a btree entry holds at most about 2,700 bytes: a longer (hostile) Message-ID is kept cut, the
        // same way each time, so a copy of it is still found as a duplicate. Cleaned after the cut, which may split a pair.
        if (messageId is { Length: > MaxMessageIdLength }) messageId = messageId[..MaxMessageIdLength];
        return new InboundRecord(key, inbound with { Detail = StoredText.Clean(inbound.Detail)! }, StoredText.Clean(messageId));
    }

    /// <summary>The one statement that records <paramref name="records"/> (a run, in mailbox order) with their audit rows.</summary>
    public static NpgsqlBatchCommand Command(IReadOnlyList<InboundRecord> records, DateTime now)
    {
        (string, NpgsqlDbType, object?) Column<T>(string name, NpgsqlDbType type, Func<InboundRecord, T> value) =>
            (name, NpgsqlDbType.Array | type, records.Select(value).ToArray());
        var duplicateFolder = InboundFolders.For(InboundOutcome.Duplicate);
        return InboundRows.Command(InboundRows.InsertInbound,
            ("now", NpgsqlDbType.TimestampTz, now),
            ("duplicateDetail", NpgsqlDbType.Text, DuplicateDetail),
            ("duplicateFolder", NpgsqlDbType.Text, duplicateFolder),
            ("ords", NpgsqlDbType.Array | NpgsqlDbType.Integer, Enumerable.Range(0, records.Count).ToArray()),
            Column("mailboxes", NpgsqlDbType.Text, r => r.Key.Mailbox),
            Column("uidValidities", NpgsqlDbType.Bigint, r => (long)r.Key.UidValidity),
            Column("uids", NpgsqlDbType.Bigint, r => (long)r.Key.Uid),
            Column("messageIds", NpgsqlDbType.Text, r => r.MessageId),
            // The same email again (copied, or the server reset UIDVALIDITY) is recorded as a duplicate, changing nothing.
            Column("checkSeen", NpgsqlDbType.Boolean, r => r.Inbound.Outcome is not InboundOutcome.Rejected && r.MessageId is not null),
            Column("froms", NpgsqlDbType.Text, r => StoredText.Cut(r.Inbound.Message?.From.Mailboxes.FirstOrDefault()?.Address ?? r.Inbound.Headers[HeaderId.From], 500)),
            Column("subjects", NpgsqlDbType.Text, r => StoredText.Cut(r.Inbound.Message?.Subject ?? r.Inbound.Headers[HeaderId.Subject], 500)),
            Column("outcomes", NpgsqlDbType.Text, r => InboundOutcomes.Name(r.Inbound.Outcome)),
            Column("details", NpgsqlDbType.Text, r => r.Inbound.Detail),
            Column("checkInIds", NpgsqlDbType.Bigint, r => r.Inbound.CheckIn?.Id),
            Column("courseIds", NpgsqlDbType.Bigint, r => r.Inbound.CheckIn?.CourseId),
            Column("patientIds", NpgsqlDbType.Bigint, r => r.Inbound.CheckIn?.PatientId),
            Column("actors", NpgsqlDbType.Text, r => r.Inbound.Actor),
            Column("rawHeaders", NpgsqlDbType.Text, r => StoredText.Cut(StoredText.RawHeaders(r.Inbound.Headers), MaxStoredText)),
            Column("bodies", NpgsqlDbType.Text, r => r.Inbound.Body),
            Column("folders", NpgsqlDbType.Text, r => InboundFolders.For(r.Inbound.Outcome)),
            Column("crises", NpgsqlDbType.Boolean, r => r.Inbound.Crisis),
            Column("senderProofs", NpgsqlDbType.Text, r => r.Inbound.Proof is { } proof ? SenderProofs.Name(proof) : null),
            Column("audits", NpgsqlDbType.Text, r => r.Audit()),
            Column("duplicateAudits", NpgsqlDbType.Text, r => JsonSerializer.Serialize(new { detail = DuplicateDetail, folder = duplicateFolder, checkInId = r.Inbound.CheckIn?.Id })));
    }

    private string Audit()
    {
        var typed = new { action = Inbound.Delivery?.ToString().ToLowerInvariant(), matchedBy = Inbound.MatchedBy?.ToString() };
        return JsonSerializer.Serialize(new { detail = Inbound.Detail, folder = InboundFolders.For(Inbound.Outcome), checkInId = Inbound.CheckIn?.Id, typed.action, typed.matchedBy });
    }
}
