using System.Diagnostics;

namespace FollowUp.Tests.Support;

/// <summary>Runs one of the built executables as a user would, and captures what it said.</summary>
public sealed record ToolRun(int ExitCode, string Stdout, string Stderr);

public static class Tool
{
    /// <summary>Runs <c>dotnet &lt;dll&gt; args</c> from the test output folder with extra environment variables.</summary>
    public static async Task<ToolRun> RunAsync(string dll, IEnumerable<string> args, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Nothing from the developer's own environment decides the outcome.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("FollowUp__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        // The test clinic's standing consent rule, as in Clinic.Settings: every patient signed the intake form, so the
        // enrolments and imports of tests about something else need not each say so. Consent tests set it empty.
        start.Environment["FollowUp__Clinic__DefaultConsent"] = "form";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{dll} {string.Join(' ', args)} did not finish: {await stdout} {await stderr}");
        }
        return new ToolRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Settings as environment variables (FollowUp__Smtp__Port …), the way an operator gives them.</summary>
    public static Dictionary<string, string?> AsEnvironment(IDictionary<string, string?> settings) =>
        settings.ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);
}
