using System.Data.Common;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace FollowUp.Replies;

/// <summary>
/// Every change the inbox makes to a check-in's (and its patient's) state, each a named call in the caller's
/// transaction, so the states a reply can cause are read in one place. The check-in's own states are changed by their
/// owner, <see cref="CheckIns.CheckInStates"/>; the patient's delivery record here.
/// </summary>
internal static class CheckInChanges
{
    /// <summary>
    /// Clear answers: the check-ins are answered, and their patients' addresses evidently work (delays no longer
    /// count). Statements to run in the same round trip as the replies they follow.
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> MarkAnsweredCommands(IReadOnlyList<long> checkInIds, IReadOnlyList<long> patientIds) =>
        InboundRows.Commands(CheckIns.CheckInStates.Answer + ";\n" + DelaysEnd,
            ("checkInIds", NpgsqlDbType.Array | NpgsqlDbType.Bigint, checkInIds.ToArray()),
            ("patientIds", NpgsqlDbType.Array | NpgsqlDbType.Bigint, patientIds.Distinct().ToArray()));

    private const string DelaysEnd = "UPDATE patients SET soft_bounces = 0 WHERE id = ANY(@patientIds) AND soft_bounces <> 0";

    /// <summary>
    /// Replies that left a question unread: each check-in stays open, names what it waits for, and its reminders stop.
    /// Statements to run in the same round trip as the replies they follow.
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> AwaitMissingCommands(IReadOnlyList<(long CheckInId, string[] Unread)> waiting) =>
        InboundRows.Commands(CheckIns.CheckInStates.AwaitMissing,
            ("checkInIds", NpgsqlDbType.Array | NpgsqlDbType.Bigint, waiting.Select(w => w.CheckInId).ToArray()),
            ("awaiting", NpgsqlDbType.Array | NpgsqlDbType.Text, waiting.Select(w => string.Join(',', w.Unread)).ToArray()));

    /// <summary>
    /// STOP ends every email to this patient at once: their consent is withdrawn (a row, by its owner) and all their
    /// planned check-ins are cancelled. Returns how many. <paramref name="method"/>: how they said it (a STOP reply, an
    /// unsubscribe link).
    /// </summary>
    public static async Task<int> OptOutAsync(DbConnection connection, DbTransaction transaction, long patientId, DateTime now, CancellationToken cancellationToken,
        string method = DataProtection.ConsentMethods.StopReply)
    {
        await DataProtection.Consents.WithdrawAsync(connection, transaction, patientId, method, now, cancellationToken);
        return await CheckIns.CheckInStates.CancelForOptOutAsync(connection, transaction, patientId, cancellationToken);
    }

    /// <summary>
    /// A bare STOP from an address several patients share: each of them is opted out (their consent withdrawn, their
    /// planned check-ins cancelled); the address gets one STOP confirmation (one mailbox, one answer), answering the
    /// first patient's newest sent check-in. Returns it, to send at once.
    /// </summary>
    public static async Task<long?> OptOutAddressAsync(DbConnection connection, DbTransaction transaction, string address, string? inReplyTo, DateTime now,
        Microsoft.Extensions.Logging.ILogger logger, CancellationToken cancellationToken)
    {
        long? first = null;
        var patients = await connection.QueryAsync<(long PatientId, long? CheckInId)>(new CommandDefinition(PatientsAtAddress, new { address }, transaction,
            cancellationToken: cancellationToken));
        foreach (var (patientId, checkInId) in patients)
        {
            var cancelled = await OptOutAsync(connection, transaction, patientId, now, cancellationToken);
            Log.OptedOut(logger, patientId, cancelled);
            if (checkInId is { } id)
                first ??= await CheckIns.CheckInStates.QueueStopConfirmationAsync(connection, transaction, id, inReplyTo, new DateTimeOffset(now, TimeSpan.Zero), cancellationToken);
        }
        return first;
    }

    // Each patient at the address not yet opted out, with their newest sent check-in (the one the confirmation answers).
    private const string PatientsAtAddress = """
        SELECT p.id, (SELECT ci.id FROM check_ins ci JOIN courses c ON c.id = ci.course_id
                      WHERE c.patient_id = p.id AND ci.sent_at IS NOT NULL ORDER BY ci.sent_at DESC, ci.id DESC LIMIT 1)
        FROM patients p WHERE lower(p.email) = lower(@address) AND p.opted_out_at IS NULL ORDER BY p.id
        """;

    /// <summary>The patient is away: the check-in's reminders wait until <paramref name="until"/> (never earlier than already noted).</summary>
    public static Task NoteOutOfOfficeAsync(DbConnection connection, DbTransaction transaction, long checkInId, DateTime until, CancellationToken cancellationToken) =>
        CheckIns.CheckInStates.AwayUntilAsync(connection, transaction, checkInId, new DateTimeOffset(until, TimeSpan.Zero), cancellationToken);

    /// <summary>The mail server gave up on the check-in: a sent check-in becomes failed, with the report's words.</summary>
    public static Task MarkBouncedAsync(DbConnection connection, DbTransaction transaction, long checkInId, string reason, CancellationToken cancellationToken) =>
        CheckIns.CheckInStates.FailBouncedAsync(connection, transaction, checkInId, reason, cancellationToken);

    /// <summary>One more delayed delivery in a row for this patient; returns how many there are now.</summary>
    public static Task<int> CountDelayAsync(DbConnection connection, DbTransaction transaction, long patientId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            UPDATE patients SET soft_bounces = soft_bounces + 1 WHERE id = @patientId RETURNING soft_bounces
            """, new { patientId }, transaction, cancellationToken: cancellationToken));
}
