using System.Globalization;
using System.Text;

namespace FollowUp.Exports;

/// <summary>
/// The export as five CSV files (courses, check-ins, replies, alerts, consents), RFC 4180 quoting, UTF-8 with a BOM so that
/// Excel reads the names right. Spreadsheet-safe: a cell that starts with = + - @ tab or CR, which a spreadsheet would
/// run as a formula (OWASP "CSV injection"), is written with a leading apostrophe, as the patients' words may be anything.
/// </summary>
public static class CsvExport
{
    public static readonly string[] Files = ["courses.csv", "check_ins.csv", "replies.csv", "alerts.csv", "consents.csv"];

    public static async Task WriteAsync(ExportSet set, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        await WriteAsync(Path.Combine(folder, Files[0]), ["course_id", "patient_id", "patient_name", "patient_email", "time_zone", "therapist_email", "therapist_name",
            "started_on", "ended_on", "pain_at_start", "pain_at_end", "status", "schedule"],
            set.Courses.Select(c => new[] { Id(c.Id), Id(c.PatientId), c.PatientName, c.PatientEmail, c.TimeZone, c.TherapistEmail, c.TherapistName,
                Date(c.StartedOn), Date(c.EndedOn), Num(c.PainAtStart), Num(c.PainAtEnd), c.Status, c.Schedule }), cancellationToken);
        await WriteAsync(Path.Combine(folder, Files[1]), ["check_in_id", "course_id", "sequence", "offset_days", "due_at", "sent_at", "status", "confirms_check_in_id"],
            set.CheckIns.Select(c => new[] { Id(c.Id), Id(c.CourseId), Num(c.Sequence), Num(c.OffsetDays), Time(c.DueAt), Time(c.SentAt), c.Status, Id(c.ConfirmsCheckInId) }), cancellationToken);
        await WriteAsync(Path.Combine(folder, Files[2]), ["reply_id", "check_in_id", "course_id", "received_at", "pain", "mood_score", "mood_word", "phq2_a", "phq2_b", "answer_text"],
            set.Replies.Select(r => new[] { Id(r.Id), Id(r.CheckInId), Id(r.CourseId), Time(r.ReceivedAt), Num(r.Pain), Num(r.MoodScore), r.MoodWord, Num(r.Phq2A), Num(r.Phq2B), r.AnswerText }), cancellationToken);
        await WriteAsync(Path.Combine(folder, Files[3]), ["alert_id", "course_id", "kind", "severity", "status", "reason", "raised_at", "acknowledged_at"],
            set.Alerts.Select(a => new[] { Id(a.Id), Id(a.CourseId), a.Kind, a.Severity, a.Status, a.Reason, Time(a.RaisedAt), Time(a.AcknowledgedAt) }), cancellationToken);
        await WriteAsync(Path.Combine(folder, Files[4]), ["consent_id", "patient_id", "course_id", "event", "basis", "method", "given_on", "from_clinic_default", "recorded_by", "recorded_at", "note"],
            set.Consents.Select(k => new[] { Id(k.Id), Id(k.PatientId), Id(k.CourseId), k.Event, k.Basis, k.Method, k.GivenOn is { } on ? Date(on) : "",
                k.FromClinicDefault ? "true" : "false", k.RecordedBy, Time(k.RecordedAt), k.Note }), cancellationToken);
    }

    /// <summary>One cell as written: defused if a spreadsheet would run it, quoted when it holds a separator, quote or line break.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static async Task WriteAsync(string path, string[] header, IEnumerable<string?[]> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await writer.WriteAsync(string.Join(',', header) + "\r\n");
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(string.Join(',', row.Select(Cell)) + "\r\n");
        }
    }

    private static string Id(long? id) => id?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string Num(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Time(DateTime? t) => t?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "";
}
