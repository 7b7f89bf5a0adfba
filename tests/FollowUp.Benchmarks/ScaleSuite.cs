using System.Globalization;
using Npgsql;

namespace FollowUp.Benchmarks;

/// <summary>
/// The planning, assessment and scaling benchmarks of issue 8 (docs/performance.md): run one after the other by
/// Program, with CI-sized defaults or, with --full, the sizes the issue names.
/// </summary>
internal static class ScaleSuite
{
    public static readonly string[] Names = ["planning", "assessment", "scaling", "web"];

    public static async Task RunAsync(BenchServers servers, string template, bool full, string? only)
    {
        if (only is null or "planning") await PlanningAsync(servers, template, full ? 100_000 : 2_000);
        if (only is null or "assessment") await AssessmentAsync(servers, template, full ? 1_000_000 : 12_000);
        if (only is null or "scaling") await ScalingAsync(servers, template, full ? 2_000 : 200);
        if (only is null or "web") await WebAsync(servers, template, full ? 100_000 : 10_000, full ? 5_000 : 500, full ? 50 : 20);
    }

    private static async Task WebAsync(BenchServers servers, string template, int clinic, int mine, int requests)
    {
        Console.WriteLine();
        Console.WriteLine($"Web: My patients for a therapist with {mine} courses in a clinic of {clinic}, {requests} requests per page, the built web face on loopback (load {Machine.LoadAverage()})");
        var r = await WebBenchmark.RunAsync(servers, template, clinic, mine, requests);
        Console.WriteLine(Invariant($"  seeded {r.Clinic} courses ({r.Mine} the therapist's), 6 check-ins and 3 replies each, 3% with an open alert, in {r.SeedSeconds:F1} s (untimed)"));
        Console.WriteLine($"  {"",-22} {"median ms",10} {"p95 ms",8}");
        foreach (var (name, t) in new[] { ("page 1", r.FirstPage), ("  bare SQL", r.FirstSql), ($"page {r.DeepPage}", r.DeepPageTimes), ("  bare SQL", r.DeepSql) })
            Console.WriteLine(Invariant($"  {name,-22} {t.Median,10:F1} {t.P95,8:F1}"));
        Console.WriteLine(Invariant($"  ratio page/bare SQL: page 1 median {r.FirstPage.Median / r.FirstSql.Median:F2}x, p95 {r.FirstPage.P95 / r.FirstSql.P95:F2}x; page {r.DeepPage} median {r.DeepPageTimes.Median / r.DeepSql.Median:F2}x, p95 {r.DeepPageTimes.P95 / r.DeepSql.P95:F2}x"));
        Console.WriteLine($"  load average after: {Machine.LoadAverage()}");
    }

    private static async Task PlanningAsync(BenchServers servers, string template, int courses)
    {
        Console.WriteLine();
        Console.WriteLine($"Planning: followup-admin course import of {courses} courses ({courses * 6} check-ins), child process, fresh database (load {Machine.LoadAverage()})");
        var r = await PlanningBenchmark.RunAsync(servers, template, courses);
        var mb = r.PeakRssKb / 1024.0;
        Console.WriteLine(Invariant($"  import            {r.ImportSeconds,8:F2} s   peak RSS {mb,6:F0} MB ({r.RssMethod})"));
        Console.WriteLine(Invariant($"  bare binary COPY  {r.CopySeconds,8:F2} s   (the same {courses} patients, {courses} courses, {courses * 6} check-ins)"));
        Console.WriteLine(Invariant($"  ratio {r.CopySeconds / r.ImportSeconds:F2}x of the bare COPY; rows checked: {courses} courses, {courses * 6} check-ins"));
        if (courses == 100_000)
            Console.WriteLine(Invariant($"  goal < 60 s and < 300 MB: {(r.ImportSeconds < 60 && mb < 300 ? "met" : "NOT met")}"));
        Console.WriteLine($"  load average after: {Machine.LoadAverage()}");
    }

    private static async Task AssessmentAsync(BenchServers servers, string template, int replies)
    {
        Console.WriteLine();
        Console.WriteLine($"Assessment: re-assess every course after a rule change over {replies} stored replies (load {Machine.LoadAverage()})");
        var r = await AssessmentBenchmark.RunAsync(servers, template, replies);
        var s = r.Summary;
        Console.WriteLine(Invariant($"  seeded {r.Replies} replies of {r.Courses} courses with SQL in {r.SeedSeconds:F1} s (untimed)"));
        Console.WriteLine(Invariant($"  reassess          {r.ReassessSeconds,8:F2} s   {s.CoursesAssessed} courses, {s.Readings} readings, {s.Findings} findings: {s.Raised} raised, {s.Updated} updated, {s.Unchanged} unchanged"));
        Console.WriteLine(Invariant($"  reassess again    {r.AgainSeconds,8:F2} s   {r.Again.Raised} raised, {r.Again.Updated} updated, {r.Again.Unchanged} unchanged"));
        Console.WriteLine(Invariant($"  bare SELECT       {r.BareSeconds,8:F2} s   ({r.BareRows} rows streamed, every column read)"));
        Console.WriteLine(Invariant($"  ratio {r.BareSeconds / r.ReassessSeconds:F2}x of the bare SELECT"));
        if (replies == 1_000_000) Console.WriteLine($"  goal < 10 s: {(r.ReassessSeconds < 10 ? "met" : "NOT met")}");
        Console.WriteLine($"  load average after: {Machine.LoadAverage()}");
    }

    private static async Task ScalingAsync(BenchServers servers, string template, int checkIns)
    {
        Console.WriteLine();
        Console.WriteLine($"Scaling: {checkIns} due check-ins in one database drained by k concurrent worker instances (load {Machine.LoadAverage()})");
        var results = await ScalingBenchmark.RunAsync(servers, template, checkIns, [1, 2, 4]);
        var one = checkIns / results[0].Seconds;
        Console.WriteLine($"  {"k",3} {"seconds",9} {"msgs/s",9} {"vs k=1",8}");
        foreach (var r in results)
            Console.WriteLine(Invariant($"  {r.Instances,3} {r.Seconds,9:F2} {checkIns / r.Seconds,9:F1} {checkIns / r.Seconds / one,7:F2}x"));
        Console.WriteLine($"  exactly once: every check-in 'sent' once in the database and its Message-ID once in the mailboxes, for each k");
        Console.WriteLine($"  load average after: {Machine.LoadAverage()}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

internal static class Scratch
{
    /// <summary>Drops a benchmark's database once measured: a million replies take half a gigabyte of disk.</summary>
    public static async Task DropAsync(BenchServers servers, string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(servers.PostgresAdmin);
        await connection.OpenAsync();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

internal static class Machine
{
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "n/a"; }
        catch (UnauthorizedAccessException) { return "n/a"; }
    }
}
