using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>retention preview|run</c>: what is past its retention period, and removing it now.</summary>
internal static class RetentionCommands
{
    public static Command Build() => new("retention", "What is kept how long (FollowUp:Retention), and removing what is past it.") { Preview(), Run() };

    private static Command Preview()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("preview", """
            Say what the next retention run would remove, removing nothing: per kind of data its period, how many rows are past
            it and the oldest; per mailbox folder how many messages and the oldest. Courses with an open alert are left out.
            Example: followup-admin retention preview --json
            """) { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var report = await services.GetRequiredService<Retention>().PreviewAsync(cancellationToken);
            Print(report, parsed.GetValue(json), "would remove");
            return 0;
        });
        return command;
    }

    private static Command Run()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("run", """
            Remove now what is past its retention period, as the daily job does (audited as retention.removed). Does nothing
            while another run holds the lock (the job on a worker node, another admin).
            Example: followup-admin retention run --actor "Alex Admin"
            """) { CliContext.Actor, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var report = await services.GetRequiredService<Retention>().RunAsync($"cli:{CliContext.ActorOf(parsed)}", cancellationToken);
            if (!report.Ran) throw new UserError("another retention run is in progress (a worker's daily job or another admin); nothing was removed");
            Print(report, parsed.GetValue(json), "removed");
            if (report.MailboxProblem is { } problem) throw new UserError(problem);
            return 0;
        });
        return command;
    }

    private static void Print(RetentionReport report, bool json, string verb)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
            return;
        }
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"As of {report.At:yyyy-MM-dd HH:mm} UTC, retention {verb}:"));
        Console.WriteLine($"{"KIND",-13} {"PERIOD",8} {"BEFORE",-10} {"COUNT",8}  {"OLDEST",-10}  WHAT");
        foreach (var k in report.Kinds)
            Console.WriteLine(string.Create(c, $"{k.Kind,-13} {k.Period.TotalDays,6:0} d {k.Cutoff:yyyy-MM-dd} {k.Count,8}  {Day(k.Oldest),-10}  {k.What}"));
        Console.WriteLine("Mailbox folders (raw emails):");
        foreach (var f in report.Folders)
            Console.WriteLine(string.Create(c, $"  {f.Folder,-13} {f.Count,8} message(s)  oldest {Day(f.Oldest)}"));
        if (report.MailboxProblem is { } problem) Console.WriteLine($"  not swept: {problem}");
        else if (report.Folders.Count == 0) Console.WriteLine("  none yet (the inbox makes them when it first reads)");
    }

    private static string Day(DateTimeOffset? at) => at is { } t ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "-";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
