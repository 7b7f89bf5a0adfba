using System.Globalization;
using Dapper;
using Npgsql;

namespace FollowUp.Audit;

/// <summary>One audit row as read back; <see cref="Detail"/> is the stored JSON text.</summary>
public sealed class AuditEntry
{
    public long Id { get; init; }
    public DateTime At { get; init; }
    public string Actor { get; init; } = "";
    public string Kind { get; init; } = "";
    public long? CourseId { get; init; }
    public long? PatientId { get; init; }
    public long? SubjectId { get; init; }
    public string Detail { get; init; } = "{}";
}

/// <summary>Which audit rows to read: every filter is optional; <see cref="Kind"/> matches a kind or a kind prefix ("course.").</summary>
public sealed record AuditFilter(long? PatientId = null, long? CourseId = null, string? Kind = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Limit = 100)
{
    /// <summary>
    /// A --since or --until as an admin types it: a day (from its midnight, UTC) or an instant (UTC unless it names an
    /// offset); null for none. <paramref name="field"/> names it in the error.
    /// </summary>
    public static DateTimeOffset? Instant(string? value, string field)
    {
        if (value is null) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : throw new AuditFilterException($"{field}: '{value}' is not a date or instant; use YYYY-MM-DD or e.g. 2026-11-05T09:30:00Z");
    }

    /// <summary>The limit must be at least 1; <paramref name="field"/> names it in the error.</summary>
    public static int CheckedLimit(int limit, string field) => limit >= 1 ? limit : throw new AuditFilterException($"{field} must be at least 1");
}

/// <summary>An audit filter that cannot be read, naming the field and the value.</summary>
public sealed class AuditFilterException(string message) : Exception(message);

/// <summary>Reads the append-only audit trail for <c>followup-admin audit list</c>, newest first.</summary>
public sealed class AuditQuery(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AuditEntry>(new CommandDefinition(List, new
        {
            patientId = filter.PatientId,
            courseId = filter.CourseId,
            kind = filter.Kind,
            kindPrefix = filter.Kind is { } k && k.EndsWith('.') ? k + "%" : filter.Kind,
            since = filter.Since?.UtcDateTime,
            until = filter.Until?.UtcDateTime,
            limit = filter.Limit,
        }, cancellationToken: cancellationToken))).ToList();
    }

    // A course's rows include those about its patient only when they name the course; --patient shows every row of the
    // patient, including those of each of their courses.
    private const string List = """
        SELECT a.id, a.at, a.actor, a.kind, a.course_id, COALESCE(a.patient_id, c.patient_id) AS patient_id, a.subject_id, a.detail::text AS detail
        FROM audit_log a LEFT JOIN courses c ON c.id = a.course_id
        WHERE (@courseId::bigint IS NULL OR a.course_id = @courseId)
          AND (@patientId::bigint IS NULL OR a.patient_id = @patientId OR c.patient_id = @patientId)
          AND (@kind::text IS NULL OR a.kind LIKE @kindPrefix)
          AND (@since::timestamptz IS NULL OR a.at >= @since)
          AND (@until::timestamptz IS NULL OR a.at < @until)
        ORDER BY a.at DESC, a.id DESC
        LIMIT @limit
        """;
}
