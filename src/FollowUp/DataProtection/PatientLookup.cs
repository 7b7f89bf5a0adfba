using System.Data.Common;
using System.Globalization;
using Dapper;

namespace FollowUp.DataProtection;

/// <summary>A request about one patient that cannot be carried out as asked, with the reason in the admin's words.</summary>
public sealed class PatientRequestException(string message) : Exception(message);

/// <summary>The one patient a request names.</summary>
internal sealed record RequestedPatient(long Id, string Name, string Email, string? ClinicId);

/// <summary>
/// Finds the one patient a request names: by email address, by the clinic's identifier, or by FollowUp's own id. An
/// address two patients share (a family address) names neither: the request is refused naming both ids, never merged.
/// </summary>
internal static class PatientLookup
{
    public static async Task<RequestedPatient?> FindAsync(DbConnection connection, DbTransaction? transaction, string given, CancellationToken cancellationToken)
    {
        var text = given.Trim();
        if (text.Length is 0 or > 320 || text.Any(char.IsControl))
            throw new PatientRequestException("give the patient's email address, the clinic's patient id or FollowUp's patient id");
        var matches = (await connection.QueryAsync<RequestedPatient>(new CommandDefinition(Find, new
        {
            email = text.Contains('@', StringComparison.Ordinal) ? text : null,
            clinicId = text,
            id = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : (long?)null,
        }, transaction, cancellationToken: cancellationToken))).ToList();
        if (matches.Count <= 1) return matches.SingleOrDefault();
        var named = string.Join(", ", matches.Select(m => string.Create(CultureInfo.InvariantCulture,
            $"{m.Id}{(m.ClinicId is { } c ? $" (patient id {c})" : "")}")));
        throw new PatientRequestException(text.Contains('@', StringComparison.Ordinal)
            ? $"'{text}' is the address of {matches.Count} patients ({named}): a shared address names none of them; give the patient's id"
            : $"'{text}' names {matches.Count} patients ({named}): as the clinic's patient id and as FollowUp's id; give the patient's email address");
    }

    // By address; else by the clinic's identifier and by FollowUp's id (both may match: the caller refuses that).
    private const string Find = """
        SELECT id, name, email, clinic_id FROM patients
        WHERE CASE WHEN @email::text IS NOT NULL THEN lower(email) = lower(@email)
                   ELSE clinic_id = @clinicId OR id = @id END
        ORDER BY id
        """;
}
