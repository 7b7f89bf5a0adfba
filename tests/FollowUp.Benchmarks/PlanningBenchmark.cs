using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace FollowUp.Benchmarks;

/// <summary>
/// Planning: N courses (6N check-ins with the default schedule) enrolled and planned through the product path, the
/// built <c>followup-admin course import FILE</c> run as a child process against a fresh database, timed from start
/// to exit, with the child's peak resident memory. The physical limit in the same run: a bare binary COPY of the same
/// number of patient, course and check-in rows into another fresh database on the same server.
/// </summary>
internal static partial class PlanningBenchmark
{
    private static readonly int[] DefaultOffsets = [7, 14, 28, 42, 56, 84];

    public sealed record Result(int Courses, double ImportSeconds, long PeakRssKb, string RssMethod, double CopySeconds);

    public static async Task<Result> RunAsync(BenchServers servers, string template, int courses)
    {
        var csv = Path.Combine(Path.GetTempPath(), $"followup-bench-courses-{Guid.NewGuid():N}.csv");
        try
        {
            await WriteCsvAsync(csv, courses);
            var connectionString = await BenchDatabase.CloneAsync(servers, template);
            string[] connection = ["--connection", connectionString];
            foreach (var therapist in new[] { new[] { "--email", "sam@clinic.test" }, ["--email", "kim@clinic.test", "--name", "Kim Lee"], ["--email", "ali@clinic.test"] })
                await AdminTool.RunAsync(["therapist", "add", .. therapist, .. connection]);
            var import = await AdminTool.RunAsync(["course", "import", csv, "--now", "2026-11-20T10:00:00Z", .. connection]);

            await using var db = new NpgsqlConnection(connectionString);
            var (stored, planned) = await db.QuerySingleAsync<(long, long)>(new CommandDefinition(
                "SELECT (SELECT count(*) FROM courses), (SELECT count(*) FROM check_ins)", cancellationToken: CancellationToken.None));
            if (stored != courses || planned != courses * 6L)
                throw new InvalidOperationException($"the import stored {stored} courses and {planned} check-ins, expected {courses} and {courses * 6L}");

            await db.CloseAsync();
            await Scratch.DropAsync(servers, connectionString);
            var bare = await BenchDatabase.CloneAsync(servers, template);
            var copySeconds = await BareCopyAsync(bare, courses);
            await Scratch.DropAsync(servers, bare);
            return new Result(courses, import.Seconds, import.PeakRssKb, import.RssMethod, copySeconds);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    /// <summary>The clinic export tests/FollowUp.Tests/Cli/Csv/generate-courses.py writes, row for row.</summary>
    internal static async Task WriteCsvAsync(string path, int rows)
    {
        string[] zones = ["Europe/London", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/Paris"];
        string[] therapists = ["sam@clinic.test", "Kim Lee", "ali@clinic.test"];
        var last = new DateOnly(2026, 11, 18);
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        await writer.WriteAsync("Course ID,Patient name,Email,Time zone,Therapist,Start date,End date,Pain before,Pain after\n");
        for (var i = 1; i <= rows; i++)
        {
            var end = last.AddDays(-(i % 60));
            var start = end.AddDays(-7 * (1 + i % 8));
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"C{i:D6},Patient {i},patient{i}@example.org,{zones[i % 5]},{therapists[i % 3]},{start:yyyy-MM-dd},{end:yyyy-MM-dd},{i % 11},{i * 7 % 11}\n"));
        }
    }

    /// <summary>
    /// The same rows as the import writes (one patient, one course and six check-ins per line), by binary COPY in one
    /// transaction: no parsing, validation, time zones or audit, just the server storing the rows and their indexes.
    /// </summary>
    private static async Task<double> BareCopyAsync(string connectionString, int courses)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await db.ExecuteAsync(new CommandDefinition("INSERT INTO therapists (email, name, created_at) VALUES ('sam@clinic.test', NULL, now()), ('kim@clinic.test', 'Kim Lee', now()), ('ali@clinic.test', NULL, now())",
            cancellationToken: CancellationToken.None));
        var therapists = (await db.QueryAsync<long>(new CommandDefinition("SELECT id FROM therapists ORDER BY id", cancellationToken: CancellationToken.None))).ToArray();
        var now = new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);
        var last = new DateOnly(2026, 11, 18);
        return await Timing.SecondsAsync(async () =>
        {
            await using var tx = await db.BeginTransactionAsync();
            await using (var patients = await db.BeginBinaryImportAsync("COPY patients (name, email, time_zone, created_at) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 1; i <= courses; i++)
                    await patients.WriteRowAsync(CancellationToken.None, $"Patient {i}", $"patient{i}@example.org", "Europe/London", now);
                await patients.CompleteAsync();
            }
            // One session, one COPY into a fresh table: the identities are consecutive; checked rather than assumed.
            var (firstPatient, lastPatient) = await db.QuerySingleAsync<(long, long)>(new CommandDefinition("SELECT min(id), max(id) FROM patients", transaction: tx, cancellationToken: CancellationToken.None));
            if (lastPatient - firstPatient + 1 != courses) throw new InvalidOperationException("patient ids are not consecutive");
            await using (var rows = await db.BeginBinaryImportAsync(
                "COPY courses (patient_id, therapist_id, started_on, ended_on, pain_at_start, pain_at_end, enrolled_at, import_key) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 1; i <= courses; i++)
                {
                    var end = last.AddDays(-(i % 60));
                    await rows.StartRowAsync();
                    await rows.WriteAsync(firstPatient + i - 1, NpgsqlDbType.Bigint);
                    await rows.WriteAsync(therapists[i % 3], NpgsqlDbType.Bigint);
                    await rows.WriteAsync(end.AddDays(-7 * (1 + i % 8)), NpgsqlDbType.Date);
                    await rows.WriteAsync(end, NpgsqlDbType.Date);
                    await rows.WriteAsync((short)(i % 11), NpgsqlDbType.Smallint);
                    await rows.WriteAsync((short)(i * 7 % 11), NpgsqlDbType.Smallint);
                    await rows.WriteAsync(now, NpgsqlDbType.TimestampTz);
                    await rows.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"C{i:D6}"), NpgsqlDbType.Text);
                }
                await rows.CompleteAsync();
            }
            var (firstCourse, lastCourse) = await db.QuerySingleAsync<(long, long)>(new CommandDefinition("SELECT min(id), max(id) FROM courses", transaction: tx, cancellationToken: CancellationToken.None));
            if (lastCourse - firstCourse + 1 != courses) throw new InvalidOperationException("course ids are not consecutive");
            await using (var rows = await db.BeginBinaryImportAsync("COPY check_ins (course_id, sequence, offset_days, due_at) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 1; i <= courses; i++)
                {
                    var end = last.AddDays(-(i % 60)).ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc);
                    for (var s = 0; s < DefaultOffsets.Length; s++)
                    {
                        await rows.StartRowAsync();
                        await rows.WriteAsync(firstCourse + i - 1, NpgsqlDbType.Bigint);
                        await rows.WriteAsync((short)(s + 1), NpgsqlDbType.Smallint);
                        await rows.WriteAsync(DefaultOffsets[s], NpgsqlDbType.Integer);
                        await rows.WriteAsync(end.AddDays(DefaultOffsets[s]), NpgsqlDbType.TimestampTz);
                    }
                }
                await rows.CompleteAsync();
            }
            await tx.CommitAsync();
        });
    }

    /// <summary>The built followup-admin, run as an operator runs it, with its wall time and peak resident memory.</summary>
    internal static partial class AdminTool
    {
        public sealed record Run(double Seconds, long PeakRssKb, string RssMethod, string Stdout);

        public static async Task<Run> RunAsync(IEnumerable<string> args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "followup-admin.dll"));
            foreach (var arg in args) start.ArgumentList.Add(arg);
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("FollowUp__", StringComparison.OrdinalIgnoreCase)).ToList())
                start.Environment.Remove(key);
            var childrenBefore = ChildrenMaxRssKb();
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            // VmHWM is the kernel's own high-water mark of the process's resident set, so a sample is exact up to its
            // moment; sampled every 20 ms, it can only miss growth in the last 20 ms before exit.
            long polled = 0;
            var path = $"/proc/{process.Id}/status";
            while (!process.HasExited)
            {
                if (HighWaterMarkKb(path) is { } kb) polled = Math.Max(polled, kb);
                await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(20));
            }
            await process.WaitForExitAsync();
            var seconds = watch.Elapsed.TotalSeconds;
            var output = await stdout;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"followup-admin {string.Join(' ', start.ArgumentList.Skip(1))} exited {process.ExitCode}: {output} {await stderr}");
            // getrusage(RUSAGE_CHILDREN).ru_maxrss is the largest peak RSS of any child reaped so far, exact and taken
            // by the kernel at exit. When it grew with this child, it is this child's peak; when an earlier child was
            // larger it says nothing about this one, and the polled VmHWM stands.
            var childrenAfter = ChildrenMaxRssKb();
            return childrenAfter > childrenBefore
                ? new Run(seconds, childrenAfter, "getrusage(RUSAGE_CHILDREN).ru_maxrss", output)
                : new Run(seconds, polled, "/proc/PID/status VmHWM, polled every 20 ms", output);
        }

        private static long? HighWaterMarkKb(string path)
        {
            try
            {
                var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                return line is null ? null : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        private const int RusageChildren = -1;

        // struct rusage on 64-bit Linux: two struct timeval (4 longs), then ru_maxrss (in kilobytes) and 13 more longs.
        [LibraryImport("libc", SetLastError = true)]
        private static partial int getrusage(int who, [Out] long[] usage);

        private static long ChildrenMaxRssKb()
        {
            var usage = new long[18];
            return getrusage(RusageChildren, usage) == 0 ? usage[4] : 0;
        }
    }
}
