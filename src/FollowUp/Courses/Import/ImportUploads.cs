using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace FollowUp.Courses.Import;

/// <summary>How an uploaded export is to be read: the choices of <c>course import</c>'s options that a web form offers.</summary>
public sealed record UploadSettings(string? Culture, string? DateFormat, string? TimeZone)
{
    public ImportSettings ToImportSettings() => new()
    {
        Culture = Culture is { Length: > 0 } name ? CultureInfo.GetCultureInfo(name, predefinedOnly: true) : null,
        DateFormat = DateFormat is { Length: > 0 } format ? format : null,
        TimeZone = TimeZone is { Length: > 0 } zone ? zone : null,
    };
}

/// <summary>An uploaded export, where its import stands, and the report of its last run (the JSON of <see cref="CourseImport.ToJson"/>).</summary>
public sealed record ImportUpload
{
    public long Id { get; init; }
    public long UserId { get; init; }
    public string FileName { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Progress { get; init; }
    public string? Report { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>
/// A clinic's export uploaded for import, kept in PostgreSQL between its dry run (the row report, nothing stored) and
/// the admin's choice to store it: another web node may serve that choice, and a file held in one node's memory would
/// be gone there. The same <see cref="CourseImport"/> as <c>course import</c> runs both steps; its progress is written
/// to the row as it goes, for a page that refreshes. The content's SHA-256 is checked before storing: what is stored
/// is exactly what was reported on.
/// </summary>
public sealed class ImportUploads(NpgsqlDataSource dataSource, CourseImport import, TimeProvider clock)
{
    public async Task<long> AddAsync(long userId, string fileName, byte[] content, UploadSettings settings, CancellationToken cancellationToken)
    {
        if (ImportFileLoader.Binary(content) is { } notText) throw new ImportFileException(notText);
        if (content.Length > ImportFileLoader.MaxBytes) throw new ImportFileException($"is more than the {ImportFileLoader.MaxBytes / (1024 * 1024)} MB a clinic's export can be; split it");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO course_import_uploads (user_id, file_name, content, sha256, settings, status, progress, created_at, updated_at)
            VALUES (@userId, @fileName, @content, @sha256, @settings::jsonb, 'checking', 'waiting to start', @at, @at)
            RETURNING id
            """, new { userId, fileName, content, sha256 = SHA256.HashData(content), settings = JsonSerializer.Serialize(settings), at = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
    }

    public async Task<ImportUpload?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ImportUpload>(new CommandDefinition("""
            SELECT id, user_id, file_name, status, progress, report::text AS report, created_at, updated_at
            FROM course_import_uploads WHERE id = @id
            """, new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Moves a checked upload to storing; false when it is not checked (being stored or stored already: a second click).</summary>
    public async Task<bool> BeginStoringAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE course_import_uploads SET status = 'storing', progress = 'waiting to start', updated_at = @at
            WHERE id = @id AND status = 'checked'
            """, new { id, at = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Runs the import of the upload: a dry run while it is being checked, else in <paramref name="mode"/> as the admin
    /// chose. Its report and the next status are written when it ends; an outage or a bug marks it failed, with nothing
    /// stored (the import is one transaction).
    /// </summary>
    public async Task RunAsync(long id, ImportMode mode, string actor, CancellationToken cancellationToken)
    {
        var (content, hash, fileName, settingsJson, status) = await ContentAsync(id, cancellationToken);
        if (status is not ("checking" or "storing")) return;
        var next = status == "checking" ? "checked" : "stored";
        try
        {
            if (!SHA256.HashData(content).AsSpan().SequenceEqual(hash)) throw new InvalidOperationException("the stored file does not match its hash");
            var settings = (JsonSerializer.Deserialize<UploadSettings>(settingsJson) ?? new UploadSettings(null, null, null)).ToImportSettings();
            var report = await import.ImportAsync(content, fileName, settings, status == "checking" ? ImportMode.DryRun : mode, actor,
                (message, token) => ProgressAsync(id, message, token), cancellationToken);
            await FinishAsync(id, next, report.Stored ? "stored" : "done", CourseImport.ToJson(report), cancellationToken);
        }
        catch (Exception e)
        {
            await FinishAsync(id, "failed", $"failed: {e.GetType().Name}; nothing was stored. Upload the file again.", null, CancellationToken.None);
            throw;
        }
    }

    // Its own connection: the import's transaction is not committed yet, and the page must see the progress now.
    private async Task ProgressAsync(long id, string message, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE course_import_uploads SET progress = @message, updated_at = @at WHERE id = @id",
            new { id, message, at = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }

    private async Task FinishAsync(long id, string status, string progress, string? report, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE course_import_uploads SET status = @status, progress = @progress, report = COALESCE(@report::jsonb, report), updated_at = @at
            WHERE id = @id
            """, new { id, status, progress, report, at = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
    }

    private async Task<(byte[] Content, byte[] Hash, string FileName, string Settings, string Status)> ContentAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<(byte[], byte[], string, string, string)>(new CommandDefinition(
            "SELECT content, sha256, file_name, settings::text, status FROM course_import_uploads WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }
}
