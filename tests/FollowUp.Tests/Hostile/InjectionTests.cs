using System.Globalization;
using System.Text;
using Dapper;
using FollowUp.Tests.Support;
using FollowUp.Tests.Replies;
using Npgsql;

namespace FollowUp.Tests.Hostile;

/// <summary>
/// Issue 8: SQL injection through every input that reaches the database (admin-tool arguments, CSV cells, schedule
/// templates, email headers and bodies). Each value is either stored literally or refused with an error naming the
/// field; nothing runs (every table is still there with the rows it should have) and a normal operation works after.
/// NUL cannot be passed in a process argument (argv is C strings), so it is tried through the CSV file and email.
/// </summary>
public sealed class InjectionTests
{
    private const string Drop = "'); DROP TABLE courses; --";
    private const string OrTrue = "' OR '1'='1";
    private const string Dollar = "$$; DROP TABLE patients; $$";
    private const string Semicolons = "x\"; DELETE FROM therapists; --";
    // Right-to-left override, zero-width joiner/space, BOM: format characters, not control characters.
    private const string Unicode = "Zo\u00eb \u202egnp.exe\u202c\u200b\u200d\ufeff \u05e9\u05dc\u05d5\u05dd";
    private static readonly string Long = new string('A', 5000) + "'; --";

    [Fact]
    public async Task Injection_through_admin_tool_arguments_csv_cells_and_templates_is_stored_literally_or_refused_naming_the_field()
    {
        var now = DateTimeOffset.UtcNow;
        await using var clinic = await Clinic.OpenAsync(now);
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Task<ToolRun> Admin(params string[] args) => Tool.RunAsync("followup-admin.dll", args, env);
        string[] Enrol(string name, string email, string zone = "Europe/London", string therapistEmail = "sam@clinic.test", string? therapistName = null, string? schedule = null) =>
        [
            "course", "enrol", "--patient-name", name, "--patient-email", email, "--time-zone", zone, "--therapist-email", therapistEmail,
            .. therapistName is null ? Array.Empty<string>() : ["--therapist-name", therapistName], .. schedule is null ? Array.Empty<string>() : ["--schedule", schedule],
            "--started-on", Day(-30), "--ended-on", Day(-2), "--pain-at-start", "7", "--actor", OrTrue,
        ];
        await using var db = new NpgsqlConnection(clinic.ConnectionString);
        var tables = await TablesAsync(db);

        // Accepted: stored literally.
        var therapist = await Admin("therapist", "add", "--email", "t1@clinic.test", "--name", Drop, "--actor", Semicolons);
        var enrolled = await Admin(Enrol($"{OrTrue} {Unicode}", "p1@clinic.test", therapistEmail: "t2@clinic.test", therapistName: Dollar));
        Assert.True(therapist.ExitCode == 0, therapist.Stderr);
        Assert.True(enrolled.ExitCode == 0, enrolled.Stderr);
        Assert.Equal(Drop, await db.ExecuteScalarAsync<string>("SELECT name FROM therapists WHERE email = 't1@clinic.test'"));
        Assert.Equal(Dollar, await db.ExecuteScalarAsync<string>("SELECT name FROM therapists WHERE email = 't2@clinic.test'"));
        Assert.Equal($"{OrTrue} {Unicode}", await db.ExecuteScalarAsync<string>("SELECT name FROM patients WHERE email = 'p1@clinic.test'"));
        Assert.Equal(Semicolons, await db.ExecuteScalarAsync<string>("SELECT actor FROM audit_log WHERE kind = 'therapist.added' ORDER BY id LIMIT 1"));
        Assert.True(await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit_log WHERE actor = @OrTrue", new { OrTrue }) >= 1);

        // Refused, naming the field (exit 1, one line on stderr).
        var refused = new (ToolRun Run, string Field)[]
        {
            (await Admin("therapist", "add", "--email", Drop), "--email"),
            // Every problem of an enrolment in one line: each names its field.
            (await Admin(Enrol(Long, Drop, zone: Dollar, therapistEmail: OrTrue)), "patient email"),
            (await Admin(Enrol("Ann", "ann@clinic.test", schedule: OrTrue)), "schedule"),
            (await Admin("audit", "list", "--since", Drop), "--since"),
            (await Admin("schedule", "show", OrTrue), OrTrue),
            (await Admin("send", "cancel", Drop), Drop),
        };
        foreach (var (run, field) in refused)
        {
            Assert.True(run.ExitCode == 1, $"{field}: exit {run.ExitCode} {run.Stdout} {run.Stderr}");
            Assert.Contains(field, run.Stderr, StringComparison.Ordinal);
        }
        foreach (var field in (string[])["patient name", "time zone", "therapist email"]) Assert.Contains(field, refused[1].Run.Stderr, StringComparison.Ordinal);
        var kind = await Admin("audit", "list", "--kind", Drop, "--json");
        Assert.Equal((0, "[]"), (kind.ExitCode, kind.Stdout.Trim()));

        // Template fields: a schedule whose name and templates carry the payloads is stored and rendered literally.
        var file = Path.Combine(Path.GetTempPath(), $"schedule-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, System.Text.Json.JsonSerializer.Serialize(new
        {
            name = Drop,
            checkIns = new[] { new { weeks = 1 } },
            templates = new { subject = $"{OrTrue} {{{{ clinic_name }}}}", text = $"{Dollar}\n{{{{ patient_name }}}}\n{{{{ questions }}}}\n{Semicolons}" },
        }));
        var schedule = await Admin("schedule", "set", "--file", file);
        Assert.True(schedule.ExitCode == 0, schedule.Stderr);
        var onIt = await Admin(Enrol("Bo", "bo@clinic.test", schedule: Drop));
        Assert.True(onIt.ExitCode == 0, onIt.Stderr);
        var courseId = await db.ExecuteScalarAsync<long>("SELECT c.id FROM courses c JOIN patients p ON p.id = c.patient_id WHERE p.email = 'bo@clinic.test'");
        var preview = await Admin("schedule", "preview", "--course", courseId.ToString(CultureInfo.InvariantCulture));
        Assert.True(preview.ExitCode == 0, preview.Stderr);
        Assert.Contains(OrTrue + " Test Clinic", preview.Stdout, StringComparison.Ordinal);
        Assert.Contains(Dollar + "\nBo\n", preview.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(Semicolons, preview.Stdout, StringComparison.Ordinal);
        File.Delete(file);

        // CSV cells: payloads in every column, a NUL, and one good row; valid rows are enrolled, the others reported by column.
        var csv = Path.Combine(Path.GetTempPath(), $"hostile-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, new StringBuilder()
            .AppendLine("import_key,patient_name,patient_email,time_zone,therapist,started_on,ended_on,pain_at_start,pain_at_end")
            .AppendLine(CultureInfo.InvariantCulture, $"\"{Drop}\",\"{Drop.Replace("\"", "\"\"", StringComparison.Ordinal)}\",csv1@clinic.test,Europe/London,sam@clinic.test,{Day(-30)},{Day(-2)},7,3")
            .AppendLine(CultureInfo.InvariantCulture, $"K2,\"{Semicolons.Replace("\"", "\"\"", StringComparison.Ordinal)}\",\"{OrTrue}\",Europe/London,sam@clinic.test,{Day(-30)},{Day(-2)},7,3")
            .AppendLine(CultureInfo.InvariantCulture, $"K3,Nul\0Name,csv3@clinic.test,Europe/London,sam@clinic.test,{Day(-30)},{Day(-2)},7,3")
            .AppendLine(CultureInfo.InvariantCulture, $"K4,{Unicode},csv4@clinic.test,\"{Dollar}\",\"{Drop}\",{Day(-30)},{Day(-2)},\"1; DROP TABLE x\",3")
            .AppendLine(CultureInfo.InvariantCulture, $"K5,Cy Normal,csv5@clinic.test,Europe/London,sam@clinic.test,{Day(-30)},{Day(-2)},6,2")
            .ToString());
        var import = await Admin("course", "import", csv, "--valid-rows-only");
        File.Delete(csv);
        Assert.True(import.ExitCode is 0 or 1, import.Stderr);
        Assert.Equal(Drop, await db.ExecuteScalarAsync<string>("SELECT name FROM patients WHERE email = 'csv1@clinic.test'"));
        Assert.Equal($"key:{Drop}", await db.ExecuteScalarAsync<string>("SELECT c.import_key FROM courses c JOIN patients p ON p.id = c.patient_id WHERE p.email = 'csv1@clinic.test'"));
        Assert.Equal("Cy Normal", await db.ExecuteScalarAsync<string>("SELECT name FROM patients WHERE email = 'csv5@clinic.test'"));
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM patients WHERE email IN ('csv3@clinic.test', 'csv4@clinic.test') OR name LIKE 'x\"%'"));
        var report = import.Stdout + import.Stderr;
        foreach (var column in (string[])["patient_email", "patient_name", "time_zone", "pain_at_start"])
            Assert.Contains(column, report, StringComparison.Ordinal);

        // Nothing ran: the same tables, the rows the accepted commands made and no more; a normal operation still works.
        Assert.Equal(tables, await TablesAsync(db));
        Assert.Equal(4, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM patients"));
        Assert.Equal(4, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM courses"));
        var normal = await Admin(Enrol("Dee Normal", "dee@clinic.test"));
        Assert.True(normal.ExitCode == 0, normal.Stderr);
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id WHERE p.name = 'Dee Normal' AND ci.sequence = 1"));
    }

    [Fact]
    public async Task Injection_through_email_headers_and_body_is_stored_literally_and_the_answer_still_counts()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        await clinic.EnrolAsync("Eve");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        var checkIn = (await new Mailbox(clinic.Address("eve")).WaitForAsync(1)).Single();
        await using var db = new NpgsqlConnection(clinic.ConnectionString);
        var tables = await TablesAsync(db);

        var subject = $"Re: {Drop} {OrTrue} {Unicode}";
        var messageId = $"'{Dollar.Replace(" ", "", StringComparison.Ordinal)}\"x@evil.test";
        var body = $"Pain: 3' OR 1=1 / Mood: 5; DROP TABLE replies; --\n{Dollar}\n{Semicolons}";
        var raw = $"From: \"{Semicolons.Replace("\"", "\\\"", StringComparison.Ordinal)}\" <{clinic.Address("eve")}>\r\n" +
                  $"To: {checkIn.ReplyTo.Mailboxes.Single().Address}\r\nSubject: {subject}\r\nMessage-ID: <{messageId}>\r\n" +
                  $"In-Reply-To: <{checkIn.MessageId}>\r\nReferences: <a'b@c> <\"; DELETE FROM patients; --@d> <{checkIn.MessageId}>\r\n" +
                  $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body.Replace("\n", "\r\n", StringComparison.Ordinal)}\r\n";
        await RawSmtp.SendAsync("127.0.0.1", TestServers.SmtpPort, clinic.Address("eve"), checkIn.ReplyTo.Mailboxes.Single().Address, Encoding.UTF8.GetBytes(raw));
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);

        await clinic.Inbox.ReadAsync(default);

        var inbound = await db.QuerySingleAsync<(string Outcome, string Subject, string MessageId)>("SELECT outcome, subject, message_id FROM inbound_messages");
        Assert.Equal(("answer", subject, messageId), inbound);
        var reply = await db.QuerySingleAsync<(short? Pain, short? MoodScore, string AnswerText)>("SELECT pain, mood_score, answer_text FROM replies");
        Assert.Equal(((short?)3, (short?)5), (reply.Pain, reply.MoodScore));
        Assert.Equal(body, reply.AnswerText);
        Assert.Equal(tables, await TablesAsync(db));
        Assert.Equal((1, 1, 1), await db.QuerySingleAsync<(int, int, int)>("SELECT (SELECT count(*)::int FROM patients), (SELECT count(*)::int FROM courses), (SELECT count(*)::int FROM therapists)"));
    }

    private static async Task<List<string>> TablesAsync(NpgsqlConnection db) =>
        (await db.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")).ToList();
}
