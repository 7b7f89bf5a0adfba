using System.Diagnostics;

namespace FollowUp.Tests.Support;

/// <summary>A running worker process, stopped (SIGTERM, then killed) when disposed.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    public WorkerProcess(IDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FollowUp.Worker.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public List<string> Output { get; } = [];

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL (what <c>kill -9</c> does): no shutdown, no cleanup, claims and connections left as they were.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Everything the worker has written to stdout and stderr so far.</summary>
    public string Log
    {
        get { lock (Output) return string.Join('\n', Output); }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }
}
