using System.Globalization;
using System.Text;

namespace FollowUp.Exports;

/// <summary>
/// The export as four CSV files (courses, check-ins, replies, alerts), RFC 4180 quoting, UTF-8 with a BOM so that
/// Excel reads the names right. Spreadsheet-safe: a cell that starts with = + - @ tab or CR, which a spreadsheet would
/// run as a formula (OWASP "CSV injection"), is written with a leading apostrophe, as the patients' words may be anything.
/// </summary>
public static class CsvExport
{
    public static readonly string[] Files = ["courses.csv", "check_ins.csv", "replies.csv", "alerts.csv"];

    public static async Task WriteAsync(ExportSet set, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Files)
        {
            await using var writer = new StreamWriter(Path.Combine(folder, file), false, Utf8WithBom);
            await WriteFileAsync(set, file, writer, cancellationToken);
        }
    }

    /// <summary>The four files in one zip archive, written as it goes (a download streamed to the browser).</summary>
    public static async Task WriteZipAsync(ExportSet set, Stream output, CancellationToken cancellationToken)
    {
        await using var zip = await System.IO.Compression.ZipArchive.CreateAsync(output, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        foreach (var file in Files)
        {
            await using var entry = await zip.CreateEntry(file).OpenAsync(cancellationToken);
            await using var writer = new StreamWriter(entry, Utf8WithBom);
            await WriteFileAsync(set, file, writer, cancellationToken);
        }
    }

    /// <summary>One table as CSV: the header, then each row, every cell through <see cref="Cell"/>.</summary>
    public static async Task WriteTableAsync(TextWriter writer, IReadOnlyList<string> header, IEnumerable<string?[]> rows, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(string.Join(',', header) + "\r\n");
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(string.Join(',', row.Select(Cell)) + "\r\n");
        }
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>The audit trail as <c>audit list</c> reads it, one row per entry, the detail as its JSON text.</summary>
    public static Task WriteAuditAsync(IEnumerable<Audit.AuditEntry> rows, TextWriter writer, CancellationToken cancellationToken) =>
        WriteTableAsync(writer, ["id", "at", "actor", "kind", "course_id", "patient_id", "subject_id", "detail"],
            rows.Select(r => new[] { Id(r.Id), Time(r.At), r.Actor, r.Kind, Id(r.CourseId), Id(r.PatientId), Id(r.SubjectId), r.Detail }), cancellationToken);

    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    private static Task WriteFileAsync(ExportSet set, string file, TextWriter writer, CancellationToken cancellationToken) => file switch
    {
        "courses.csv" => WriteTableAsync(writer, ["course_id", "patient_id", "patient_name", "patient_email", "time_zone", "therapist_email", "therapist_name",
            "started_on", "ended_on", "pain_at_start", "pain_at_end", "status", "schedule"],
            set.Courses.Select(c => new[] { Id(c.Id), Id(c.PatientId), c.PatientName, c.PatientEmail, c.TimeZone, c.TherapistEmail, c.TherapistName,
                Date(c.StartedOn), Date(c.EndedOn), Num(c.PainAtStart), Num(c.PainAtEnd), c.Status, c.Schedule }), cancellationToken),
        "check_ins.csv" => WriteTableAsync(writer, ["check_in_id", "course_id", "sequence", "offset_days", "due_at", "sent_at", "status", "confirms_check_in_id"],
            set.CheckIns.Select(c => new[] { Id(c.Id), Id(c.CourseId), Num(c.Sequence), Num(c.OffsetDays), Time(c.DueAt), Time(c.SentAt), c.Status, Id(c.ConfirmsCheckInId) }), cancellationToken),
        "replies.csv" => WriteTableAsync(writer, ["reply_id", "check_in_id", "course_id", "received_at", "pain", "mood_score", "mood_word", "phq2_a", "phq2_b", "answer_text"],
            set.Replies.Select(r => new[] { Id(r.Id), Id(r.CheckInId), Id(r.CourseId), Time(r.ReceivedAt), Num(r.Pain), Num(r.MoodScore), r.MoodWord, Num(r.Phq2A), Num(r.Phq2B), r.AnswerText }), cancellationToken),
        "alerts.csv" => WriteTableAsync(writer, ["alert_id", "course_id", "kind", "severity", "status", "reason", "raised_at", "acknowledged_at"],
            set.Alerts.Select(a => new[] { Id(a.Id), Id(a.CourseId), a.Kind, a.Severity, a.Status, a.Reason, Time(a.RaisedAt), Time(a.AcknowledgedAt) }), cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(file), file, "not one of the export's files"),
    };

    /// <summary>One cell as written: defused if a spreadsheet would run it, quoted when it holds a separator, quote or line break.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string Id(long? id) => id?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string Num(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Time(DateTime? t) => t?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";
}
