using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace FollowUp.Tests.Cluster;

/// <summary>One job run on one node, on the process's monotonic clock (all nodes of a test share the process).</summary>
public sealed record JobRun(string Node, string Job, long Started, long Ended);

/// <summary>Every job run on every node of a test, recorded by a Quartz job listener registered in each node.</summary>
public sealed class JobRuns
{
    private readonly ConcurrentDictionary<string, (string Node, string Job, long Started)> _running = new();
    private readonly ConcurrentQueue<JobRun> _done = new();

    public IReadOnlyList<JobRun> All => [.. _done];

    /// <summary>Runs that started and have not finished yet (there should be none once every node has stopped).</summary>
    public int Unfinished => _running.Count;

    internal IJobListener ListenerFor(string node) => new Listener(this, node);

    private sealed class Listener(JobRuns runs, string node) : IJobListener
    {
        // One instance per node, each under its own name: a listener name is unique within a scheduler only.
        public string Name => $"job-runs-{node}";

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            runs._running[context.FireInstanceId] = (node, context.JobDetail.Key.Name, Stopwatch.GetTimestamp());
            return ValueTask.CompletedTask;
        }

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            var ended = Stopwatch.GetTimestamp();
            if (runs._running.TryRemove(context.FireInstanceId, out var run)) runs._done.Enqueue(new JobRun(run.Node, run.Job, run.Started, ended));
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// A whole worker in the test process, built as src/FollowUp.Worker builds it (AddFollowUp: its own container,
/// connection pool and clustered Quartz scheduler "FollowUp"), with a fixed Quartz instance id so each run can be
/// told apart, the test's business clock, and its warnings and errors collected.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterNode(string name, IHost host, ConcurrentQueue<string> problems)
    {
        Name = name;
        _host = host;
        Problems = problems;
    }

    public string Name { get; }
    public IServiceProvider Services => _host.Services;
    /// <summary>The node's warnings and errors, each prefixed with its name.</summary>
    public ConcurrentQueue<string> Problems { get; }

    public static async Task<ClusterNode> StartAsync(string name, IDictionary<string, string?> settings, TimeProvider clock, JobRuns runs)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(settings);
        var problems = new ConcurrentQueue<string>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddProvider(new ProblemLog(name, problems));
        builder.Services.AddSingleton(clock);
        builder.AddFollowUp();
        builder.Services.ConfigureAllQuartzSchedulers(q =>
        {
            q.ConfigureScheduler(o => o.InstanceId = name);
            q.AddJobListener(runs.ListenerFor(name));
        });
        var host = builder.Build();
        var node = new ClusterNode(name, host, problems);
        await host.StartAsync();
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>Warning and error lines of one node, prefixed with its name, for the test's output.</summary>
    private sealed class ProblemLog(string node, ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(node, categoryName, lines);
        public void Dispose() { }

        private sealed class Logger(string node, string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) lines.Enqueue($"{node} {logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
            }
        }
    }
}
