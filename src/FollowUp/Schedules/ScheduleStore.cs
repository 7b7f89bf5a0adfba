using System.Data.Common;
using System.Text.Json;
using Dapper;
using FollowUp.Audit;
using Npgsql;

namespace FollowUp.Schedules;

/// <summary>A schedule that cannot be saved, with every reason (templates with line and column).</summary>
public sealed class ScheduleException(IReadOnlyList<string> problems)
    : Exception("Schedule refused: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Reads and saves schedules. Saving validates everything first (rules and templates) and audits the change.</summary>
public sealed class ScheduleStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<IReadOnlyList<Schedule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ScheduleRow>(new CommandDefinition(SelectAll, cancellationToken: cancellationToken));
        var items = (await connection.QueryAsync<ItemRow>(new CommandDefinition(SelectItems, new { ids = (long[]?)null }, cancellationToken: cancellationToken)))
            .ToLookup(i => i.ScheduleId);
        return rows.Select(r => r.ToSchedule(items[r.Id])).ToList();
    }

    public async Task<Schedule?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, null, name, cancellationToken);
    }

    internal static async Task<Schedule?> FindAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ScheduleRow>(new CommandDefinition(SelectByName, new { name }, transaction, cancellationToken: cancellationToken));
        return row is null ? null : await WithItemsAsync(connection, transaction, row, cancellationToken);
    }

    internal static async Task<Schedule> ByIdAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<ScheduleRow>(new CommandDefinition(SelectById, new { id }, transaction, cancellationToken: cancellationToken));
        return await WithItemsAsync(connection, transaction, row, cancellationToken);
    }

    /// <summary>Every reason the schedule may not be saved, its rules then its templates (line and column): what <c>schedule validate</c> and the web's schedule form say.</summary>
    public static IReadOnlyList<string> Problems(Schedule schedule) => [.. schedule.Problems(), .. Templates.Problems(schedule)];

    /// <summary>
    /// How many emails not yet sent a change to the schedule of that name reaches: the planned check-ins of its courses
    /// still under follow-up, which are rendered with its templates when they go out.
    /// </summary>
    public async Task<int> QueuedCheckInsAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            SELECT count(*)::int FROM check_ins ci
            JOIN courses c ON c.id = ci.course_id JOIN schedules s ON s.id = c.schedule_id
            WHERE lower(s.name) = lower(@name) AND ci.status = 'planned' AND c.status IN ('active', 'paused')
            """, new { name = name.Trim() }, cancellationToken: cancellationToken));
    }

    /// <summary>Creates or replaces the schedule of that name. Already planned check-ins keep their dates; the templates apply at the next send.</summary>
    public async Task<long> SaveAsync(Schedule schedule, string actor, CancellationToken cancellationToken)
    {
        if (Problems(schedule) is { Count: > 0 } problems) throw new ScheduleException(problems);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await FindAsync(connection, transaction, schedule.Name, cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(Upsert, new
        {
            name = schedule.Name.Trim(),
            windowStart = schedule.WindowStart.ToTimeSpan(),
            windowEnd = schedule.WindowEnd.ToTimeSpan(),
            quietDays = schedule.QuietDays.Distinct().Select(d => (short)d).ToArray(),
            reminderCount = (short)schedule.ReminderCount,
            reminderSpacingDays = (short)schedule.ReminderSpacingDays,
            expiryDays = (short?)schedule.ExpiryDays,
            minimalPhi = schedule.MinimalPhi,
            subjectTemplate = schedule.SubjectTemplate,
            textTemplate = schedule.TextTemplate,
            htmlTemplate = schedule.HtmlTemplate,
            translations = JsonSerializer.Serialize(schedule.Translations),
            at = clock.GetUtcNow().UtcDateTime,
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(DeleteItems, new { id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(InsertItems, new
        {
            id,
            sequences = schedule.Items.Select((_, i) => (short)(i + 1)).ToArray(),
            offsets = schedule.Items.Select(i => i.OffsetDays).ToArray(),
            phq2 = schedule.Items.Select(i => i.AsksPhq2).ToArray(),
            mood = schedule.Items.Select(i => i.AsksMood).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await AuditTrail.WriteAsync(connection, transaction, clock.GetUtcNow(), actor, before is null ? "schedule_created" : "schedule_updated",
            null, null, id, new { before, after = schedule with { Id = id } }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    private static async Task<Schedule> WithItemsAsync(DbConnection connection, DbTransaction? transaction, ScheduleRow row, CancellationToken cancellationToken)
    {
        var items = await connection.QueryAsync<ItemRow>(new CommandDefinition(SelectItems, new { ids = new[] { row.Id } }, transaction, cancellationToken: cancellationToken));
        return row.ToSchedule(items);
    }

    private sealed class ScheduleRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public TimeSpan WindowStart { get; init; }
        public TimeSpan WindowEnd { get; init; }
        public short[] QuietDays { get; init; } = [];
        public short ReminderCount { get; init; }
        public short ReminderSpacingDays { get; init; }
        public short? ExpiryDays { get; init; }
        public bool MinimalPhi { get; init; }
        public string? SubjectTemplate { get; init; }
        public string? TextTemplate { get; init; }
        public string? HtmlTemplate { get; init; }
        public string Translations { get; init; } = "{}";

        public Schedule ToSchedule(IEnumerable<ItemRow> items) => new()
        {
            Id = Id,
            Name = Name,
            WindowStart = TimeOnly.FromTimeSpan(WindowStart),
            WindowEnd = TimeOnly.FromTimeSpan(WindowEnd),
            QuietDays = QuietDays.Select(d => (DayOfWeek)d).ToList(),
            ReminderCount = ReminderCount,
            ReminderSpacingDays = ReminderSpacingDays,
            ExpiryDays = ExpiryDays,
            MinimalPhi = MinimalPhi,
            SubjectTemplate = SubjectTemplate,
            TextTemplate = TextTemplate,
            HtmlTemplate = HtmlTemplate,
            Translations = JsonSerializer.Deserialize<Dictionary<string, ScheduleTemplates>>(Translations) ?? [],
            Items = items.OrderBy(i => i.Sequence).Select(i => new ScheduleItem(i.OffsetDays, i.AsksPhq2, i.AsksMood)).ToList(),
        };
    }

    private sealed class ItemRow
    {
        public long ScheduleId { get; init; }
        public short Sequence { get; init; }
        public int OffsetDays { get; init; }
        public bool AsksPhq2 { get; init; }
        public bool AsksMood { get; init; }
    }

    private const string Columns = """
        id, name, window_start, window_end, quiet_days, reminder_count, reminder_spacing_days, expiry_days, minimal_phi,
        subject_template, text_template, html_template, translations::text AS translations
        """;

    private const string SelectAll = $"SELECT {Columns} FROM schedules ORDER BY name";
    private const string SelectByName = $"SELECT {Columns} FROM schedules WHERE lower(name) = lower(@name)";
    private const string SelectById = $"SELECT {Columns} FROM schedules WHERE id = @id";

    private const string SelectItems = """
        SELECT schedule_id, sequence, offset_days, asks_phq2, asks_mood FROM schedule_items
        WHERE @ids::bigint[] IS NULL OR schedule_id = ANY(@ids)
        """;

    private const string Upsert = """
        INSERT INTO schedules (name, window_start, window_end, quiet_days, reminder_count, reminder_spacing_days, expiry_days,
                               minimal_phi, subject_template, text_template, html_template, translations, updated_at)
        VALUES (@name, @windowStart::time, @windowEnd::time, @quietDays, @reminderCount, @reminderSpacingDays, @expiryDays,
                @minimalPhi, @subjectTemplate, @textTemplate, @htmlTemplate, @translations::jsonb, @at)
        ON CONFLICT (lower(name)) DO UPDATE SET
            window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end, quiet_days = EXCLUDED.quiet_days,
            reminder_count = EXCLUDED.reminder_count, reminder_spacing_days = EXCLUDED.reminder_spacing_days,
            expiry_days = EXCLUDED.expiry_days, minimal_phi = EXCLUDED.minimal_phi,
            subject_template = EXCLUDED.subject_template, text_template = EXCLUDED.text_template,
            html_template = EXCLUDED.html_template, translations = EXCLUDED.translations, updated_at = EXCLUDED.updated_at
        RETURNING id
        """;

    private const string DeleteItems = "DELETE FROM schedule_items WHERE schedule_id = @id";

    private const string InsertItems = """
        INSERT INTO schedule_items (schedule_id, sequence, offset_days, asks_phq2, asks_mood)
        SELECT @id, s, o, p, m FROM unnest(@sequences, @offsets, @phq2, @mood) AS t (s, o, p, m)
        """;
}
