using System.Data.Common;
using Dapper;

namespace FollowUp.Alerts;

/// <summary>
/// A patient whose address the mail server refused for good (a 5xx at send time, a hard bounce later): their
/// address is suppressed and each of their active courses gets an "unreachable" alert, so the therapist knows the
/// follow-up has stopped and why, instead of silence.
/// </summary>
internal static class Unreachable
{
    public const string Kind = "unreachable";

    public static async Task MarkAsync(DbConnection connection, DbTransaction? transaction, long patientId, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = now.UtcDateTime;
        await connection.ExecuteAsync(new CommandDefinition(Suppress, new { patientId, reason, at }, transaction, cancellationToken: cancellationToken));
        await Notices.RaiseForPatientAsync(connection, transaction, patientId, Kind, $"Patient unreachable by email: {reason}", Notices.OnRepeat.KeepFirst,
            now, cancellationToken);
    }

    private const string Suppress = """
        UPDATE patients SET undeliverable_at = COALESCE(undeliverable_at, @at), undeliverable_reason = @reason
        WHERE id = @patientId
        """;
}
