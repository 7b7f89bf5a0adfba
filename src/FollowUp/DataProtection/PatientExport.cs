using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.DataProtection;

/// <summary>What an export wrote: the archive, and how much of each kind it holds.</summary>
public sealed record PatientExportReport(string Path, long PatientId, int Messages, object Rows);

/// <summary>
/// Writes everything FollowUp holds about one patient into one .zip a person can read: README.txt in plain words,
/// data.json with every row as stored (the rows <see cref="PatientRows"/> names, nothing of anyone else), and the raw
/// .eml of each of their messages as the replies mailbox keeps it. The export itself is audited.
/// </summary>
internal sealed class PatientExport(NpgsqlDataSource dataSource, PatientMailbox mailbox, TimeProvider clock, IOptions<Mail.ClinicOptions> clinic,
    IOptions<ErasureOptions> erasureOptions)
{
    public async Task<PatientExportReport> ExportAsync(string given, string path, string actor, CancellationToken cancellationToken)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException)
        {
            throw new PatientRequestException("--output is not a usable file path");
        }
        if (Directory.Exists(full) || path.EndsWith(Path.DirectorySeparatorChar))
            throw new PatientRequestException($"{full} is a folder; give the archive's file name, e.g. {Path.Combine(full, "patient.zip")}");
        if (File.Exists(full)) throw new PatientRequestException($"{full} exists already; give another --output");
        if (Path.GetDirectoryName(full) is { } folder && !Directory.Exists(folder)) throw new PatientRequestException($"folder {folder} does not exist");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var patient = await PatientLookup.FindAsync(connection, null, given, cancellationToken);
        // An erased patient's address still names what came from it since: the mail FollowUp kept as a stranger's.
        var erased = patient is null ? await ErasureRecords.FindAsync(connection, null, given, erasureOptions.Value, cancellationToken) : null;
        if (patient is null && erased?.CompletedAt is null) throw new PatientRequestException($"there is no patient '{given.Trim()}'");
        // One snapshot: every table read as of the same moment.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var rows = patient is not null
            ? await PatientRows.OfAsync(connection, transaction, patient.Id, cancellationToken)
            : await PatientRows.OfMailFromAsync(connection, transaction, await ErasureRecords.MailFromAsync(connection, transaction, erased!.AddressHash, erasureOptions.Value, cancellationToken), cancellationToken);
        var data = new JsonObject
        {
            ["exported_at"] = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["clinic"] = clinic.Value.Name,
            ["patient"] = patient is null ? null
                : await JsonAsync(connection, transaction, "SELECT row_to_json(t)::text FROM patients t WHERE id = @id", new { id = patient.Id }, cancellationToken),
        };
        if (erased?.CompletedAt is { } erasedAt)
            data["erased_on"] = erasedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var (name, table, ids) in new[]
                 {
                     ("consents", "consents", rows.Consents), ("courses", "courses", rows.Courses), ("check_ins", "check_ins", rows.CheckIns),
                     ("emails_sent_besides_check_ins", "reminders", rows.Reminders), ("replies", "replies", rows.Replies),
                     ("messages_received", "inbound_messages", rows.Inbound), ("alerts", "alerts", rows.Alerts), ("audit_trail", "audit_log", rows.Audit),
                 })
            data[name] = await JsonAsync(connection, transaction,
                $"SELECT COALESCE(json_agg(row_to_json(t) ORDER BY t.id), '[]')::text FROM {table} t WHERE t.id = ANY(@ids)", new { ids }, cancellationToken);
        var messages = await mailbox.ReadAsync(rows.MessageIds, cancellationToken);
        var files = new JsonArray();
        var named = messages.Select((m, i) => (Message: m, File: string.Create(CultureInfo.InvariantCulture, $"messages/{i + 1:000}-{m.Folder.ToLowerInvariant()}.eml"))).ToList();
        foreach (var (m, file) in named) files.Add(new JsonObject { ["file"] = file, ["folder"] = m.Folder, ["message_id"] = m.MessageId });
        data["message_files"] = files;

        // Health data: readable by its owner only, and never left half-written under another name.
        var temporary = full + ".part";
        try
        {
            var owner = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) owner.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var stream = new FileStream(temporary, owner))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                var readme = patient is null ? ErasedReadme(given.Trim(), data, named.Count, actor) : Readme(patient, data, named.Count, actor);
                await WriteAsync(zip, "README.txt", Encoding.UTF8.GetBytes(readme), cancellationToken);
                await WriteAsync(zip, "data.json", JsonSerializer.SerializeToUtf8Bytes(data, Indented), cancellationToken);
                foreach (var (m, file) in named) await WriteAsync(zip, file, m.Raw, cancellationToken);
            }
            File.Move(temporary, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Discard(temporary);
            throw new PatientRequestException($"the archive cannot be written there ({e.GetType().Name}); give another --output");
        }
        catch
        {
            Discard(temporary);
            throw;
        }
        // About an erased patient, the trail names the erasure, never the address.
        await Audit.AuditTrail.WriteAsync(connection, transaction, clock.GetUtcNow(), actor, "patient.exported", null, patient?.Id, patient?.Id ?? erased!.Id,
            patient is null ? new { erasure_id = erased!.Id, rows = rows.Counts(), messages = named.Count } : new { erasure_id = (long?)null, rows = rows.Counts(), messages = named.Count },
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PatientExportReport(full, patient?.Id ?? 0, named.Count, rows.Counts());
    }

    /// <summary>Removes a half-written archive; one that cannot even be named (a path too long) was never created.</summary>
    private static void Discard(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static async Task<JsonNode?> JsonAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, object parameters, CancellationToken cancellationToken) =>
        JsonNode.Parse(await connection.ExecuteScalarAsync<string>(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)) ?? "null");

    private static async Task WriteAsync(ZipArchive zip, string name, byte[] content, CancellationToken cancellationToken)
    {
        await using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        await entry.WriteAsync(content, cancellationToken);
    }

    /// <summary>The archive's first page: what is in it, in the words of a letter to the patient, then the follow-up itself.</summary>
    private string Readme(RequestedPatient patient, JsonObject data, int messages, string actor)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        static string? S(JsonNode? node, string key) => node?[key] is JsonValue v ? v.ToString() : null;
        static string Day(string? iso) => iso is { Length: >= 10 } ? iso[..10] : iso ?? "-";
        Line($"What {clinic.Value.Name} holds about you in FollowUp");
        Line(new string('=', 40));
        Line();
        Line(string.Create(c, $"For {patient.Name} <{patient.Email}>{(patient.ClinicId is { } id ? $", patient number {id}" : "")}; written on {S(data, "exported_at")} for {actor}."));
        Line();
        Line("FollowUp is the system the clinic uses to ask patients by email how they are after a course of massage, to read");
        Line("their answers and to tell their therapist when pain or mood worsens. This archive holds everything it keeps about you:");
        Line();
        Line("  README.txt   this page");
        Line("  data.json    every record, exactly as stored (for a program or a spreadsheet)");
        Line(string.Create(c, $"  messages/    the {messages} email(s) of yours FollowUp received, exactly as they arrived (open a .eml file with any mail program)"));
        Line();
        Line("FollowUp keeps no copy of the emails it sent you: data.json lists each one (check-ins under check_ins, reminders and");
        Line("other emails under emails_sent_besides_check_ins) with when it was sent; their text is in your own mailbox.");
        Line();
        Line("Why we may email you (consent):");
        foreach (var k in data["consents"]!.AsArray())
            Line($"  {Day(S(k, "recorded_at"))}  {S(k, "event")} ({S(k, "method")}{(S(k, "given_on") is { } on ? ", on " + Day(on) : "")}), legal basis {S(k, "basis") ?? "-"}");
        if (data["consents"]!.AsArray().Count == 0) Line("  none recorded (you were enrolled before FollowUp recorded consent)");
        Line();
        var checkIns = data["check_ins"]!.AsArray();
        var replies = data["replies"]!.AsArray();
        foreach (var course in data["courses"]!.AsArray())
        {
            Line(S(course, "scores_purged_at") is { } purged
                ? $"Course from {Day(S(course, "started_on"))} to {Day(S(course, "ended_on"))}: its pain scores were removed on {Day(purged)}, when their keeping period ended ({S(course, "status")})"
                : $"Course from {Day(S(course, "started_on"))} to {Day(S(course, "ended_on"))}: pain {S(course, "pain_at_start")} at the start, {S(course, "pain_at_end") ?? "not recorded"} at the end ({S(course, "status")})");
            foreach (var ci in checkIns.Where(ci => S(ci, "course_id") == S(course, "id")))
            {
                Line($"  check-in due {Day(S(ci, "due_at"))}: {S(ci, "status")}{(S(ci, "sent_at") is { } sent ? ", sent " + Day(sent) : "")}");
                foreach (var r in replies.Where(r => S(r, "check_in_id") == S(ci, "id")))
                {
                    var words = string.Join(' ', (S(r, "answer_text") ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                    Line($"    your answer of {Day(S(r, "received_at"))}: pain {S(r, "pain") ?? "-"}, mood {S(r, "mood_score") ?? S(r, "mood_word") ?? "-"}: \"{words}\"");
                }
            }
            Line();
        }
        var alerts = data["alerts"]!.AsArray();
        Line(alerts.Count == 0 ? "Alerts to your therapist: none." : "Alerts to your therapist:");
        foreach (var a in alerts) Line($"  {Day(S(a, "raised_at"))}  {S(a, "reason")} ({S(a, "status")})");
        Line();
        Line(string.Create(c, $"The audit trail (who did what, and when) has {data["audit_trail"]!.AsArray().Count} entries about you; they are in data.json under audit_trail."));
        return text.ToString();
    }

    /// <summary>The first page of an export about an erased patient: only the mail that came from their address since.</summary>
    private string ErasedReadme(string given, JsonObject data, int messages, string actor)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        Line($"What {clinic.Value.Name} holds in FollowUp from {given}");
        Line(new string('=', 40));
        Line();
        Line($"The patient with this address or number was erased on request on {data["erased_on"]}; FollowUp holds nothing else about them.");
        Line($"Written on {data["exported_at"]} for {actor}. Since the erasure, FollowUp received the email(s) below from the same address and");
        Line("kept them as a stranger's mail (tied to no patient):");
        Line();
        Line("  README.txt   this page");
        Line("  data.json    every record of those emails, exactly as stored");
        Line(string.Create(CultureInfo.InvariantCulture, $"  messages/    the {messages} email(s), exactly as they arrived"));
        Line();
        foreach (var m in data["messages_received"]!.AsArray())
            Line($"  {m?["received_at"]}: \"{m?["subject"]}\" ({m?["outcome"]})");
        return text.ToString();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
