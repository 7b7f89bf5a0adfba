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

    public NpgsqlBatchCommand Command(DateTime now)
    {
        var checkIn = Inbound.CheckIn;
        var folder = InboundFolders.For(Inbound.Outcome);
        var duplicateFolder = InboundFolders.For(InboundOutcome.Duplicate);
        var typed = new { action = Inbound.Delivery?.ToString().ToLowerInvariant(), matchedBy = Inbound.MatchedBy?.ToString() };
        return InboundRows.Command(InboundRows.InsertInbound,
            ("mailbox", NpgsqlDbType.Text, Key.Mailbox),
            ("uidValidity", NpgsqlDbType.Bigint, (long)Key.UidValidity),
            ("uid", NpgsqlDbType.Bigint, (long)Key.Uid),
            ("messageId", NpgsqlDbType.Text, MessageId),
            // The same email again (copied, or the server reset UIDVALIDITY) is recorded as a duplicate, changing nothing.
            ("checkSeen", NpgsqlDbType.Boolean, Inbound.Outcome is not InboundOutcome.Rejected && MessageId is not null),
            ("now", NpgsqlDbType.TimestampTz, now),
            ("from", NpgsqlDbType.Text, StoredText.Cut(Inbound.Message?.From.Mailboxes.FirstOrDefault()?.Address ?? Inbound.Headers[HeaderId.From], 500)),
            ("subject", NpgsqlDbType.Text, StoredText.Cut(Inbound.Message?.Subject ?? Inbound.Headers[HeaderId.Subject], 500)),
            ("outcome", NpgsqlDbType.Text, InboundOutcomes.Name(Inbound.Outcome)),
            ("detail", NpgsqlDbType.Text, Inbound.Detail),
            ("duplicateDetail", NpgsqlDbType.Text, DuplicateDetail),
            ("checkInId", NpgsqlDbType.Bigint, checkIn?.Id),
            ("courseId", NpgsqlDbType.Bigint, checkIn?.CourseId),
            ("patientId", NpgsqlDbType.Bigint, checkIn?.PatientId),
            ("actor", NpgsqlDbType.Text, Inbound.Actor),
            ("rawHeaders", NpgsqlDbType.Text, StoredText.Cut(StoredText.RawHeaders(Inbound.Headers), MaxStoredText)),
            ("body", NpgsqlDbType.Text, Inbound.Body),
            ("folder", NpgsqlDbType.Text, folder),
            ("duplicateFolder", NpgsqlDbType.Text, duplicateFolder),
            ("crisis", NpgsqlDbType.Boolean, Inbound.Crisis),
            ("senderProof", NpgsqlDbType.Text, Inbound.Proof is { } proof ? SenderProofs.Name(proof) : null),
            ("audit", NpgsqlDbType.Text, JsonSerializer.Serialize(new { detail = Inbound.Detail, folder, checkInId = checkIn?.Id, typed.action, typed.matchedBy })),
            ("duplicateAudit", NpgsqlDbType.Text, JsonSerializer.Serialize(new { detail = DuplicateDetail, folder = duplicateFolder, checkInId = checkIn?.Id })));
    }
}
