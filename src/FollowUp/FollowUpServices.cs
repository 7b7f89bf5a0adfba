using FollowUp.Alerts;
using FollowUp.Audit;
using FollowUp.CheckIns;
using FollowUp.Courses;
using FollowUp.Database;
using FollowUp.DataProtection;
using FollowUp.Exports;
using FollowUp.Languages;
using FollowUp.Mail;
using FollowUp.Operations;
using FollowUp.Outcomes;
using FollowUp.Replies;
using FollowUp.Schedules;
using FollowUp.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace FollowUp;

/// <summary>Registers everything the worker runs: options, the database, each feature, and Quartz.</summary>
public static class FollowUpServices
{
    /// <summary>The clustered Quartz scheduler's name: every worker sharing a database joins the cluster of this name.</summary>
    internal const string SchedulerName = "FollowUp";

    /// <summary>Every feature with its settings, without Quartz (the admin tool and tests use this).</summary>
    public static IServiceCollection AddFollowUpCore(this IServiceCollection services)
    {
        services.TryAddTimeProvider();
        services.AddDatabase();
        services.AddMail();
        services.AddLanguages();
        services.AddOperations();
        services.AddAudit();
        services.AddSchedules();
        services.AddCourses();
        services.AddCheckIns();
        services.AddInbox();
        services.AddAlerts();
        services.AddOutcomes();
        services.AddExports();
        services.AddUsers();
        services.AddPatientDataProtection();
        services.AddRetention();
        return services;
    }

    /// <summary>The whole worker: core services, migrations at start, and the clustered Quartz pollers.</summary>
    public static IHostApplicationBuilder AddFollowUp(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddFollowUpCore();
        services.AddMigrationAtStart();

        var dispatch = builder.Configuration.GetSection(DispatchOptions.Section).Get<DispatchOptions>() ?? new DispatchOptions();
        var inbox = builder.Configuration.GetSection(InboxOptions.Section).Get<InboxOptions>() ?? new InboxOptions();
        var alerts = builder.Configuration.GetSection(AlertOptions.Section).Get<AlertOptions>() ?? new AlertOptions();
        var retention = builder.Configuration.GetSection(RetentionOptions.Section).Get<RetentionOptions>() ?? new RetentionOptions();
        var cluster = builder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        // Every node re-declares the triggers at start; without this each node's copy overwrites the stored one and
        // the job fires on interleaved schedules (reference §1.9). Changing an interval is therefore a deliberate
        // step: delete the trigger row (or the qrtz_ data) and restart.
        // Named options: a named scheduler reads only the options of its own name (Quartz 4 "AddQuartz(name)"); an
        // unnamed Configure never reached it, and every node that joined replaced the cluster's triggers (ClusterDemoTests).
        services.Configure<QuartzOptions>(SchedulerName, o => o.Scheduling.IgnoreDuplicates = true);
        // A named scheduler: its clock (UseTimeProvider) is its own. The default scheduler's would become the
        // container's TimeProvider and so replace the business clock of every feature.
        services.AddQuartz(SchedulerName, q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = SchedulerName;
                // On shutdown a running job's CancellationToken fires, and the host waits for it to hand back its claims.
                o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            // Quartz only ticks the pollers, on the wall clock. Business time (what is due, when a reply came) is
            // the injected TimeProvider, read by the features themselves, so a test or demo can move it freely.
            q.UseTimeProvider(TimeProvider.System);
            q.UseDefaultThreadPool(4);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(postgres => postgres.UseRegisteredDataSource = true);
                store.UseClustering(c =>
                {
                    c.CheckinInterval = cluster.CheckinInterval;
                    c.CheckinMisfireThreshold = cluster.CheckinMisfireThreshold;
                });
                store.ConfigureStore(o =>
                {
                    o.CommandTimeout = TimeSpan.FromSeconds(15);
                    // A DisallowConcurrentExecution job (inbox) that a dead node held stays BLOCKED until the survivors
                    // recover it; by then its next fire time may be older than the misfire threshold (1 min), and such a
                    // trigger waits for the misfire scan, which runs once a threshold by default: up to a minute more
                    // before the mailbox is read again (NodeDeathTests measured 66 s). Scanning at the check-in rate
                    // bounds the takeover by the failure detection; the scan is one cheap query per node.
                    o.MisfireHandlerFrequency = cluster.CheckinInterval;
                });
            });
            Poll<DispatchJob>(q, DispatchJob.Key, dispatch.PollInterval);
            Poll<InboxJob>(q, InboxJob.Key, inbox.PollInterval);
            Poll<AlertJob>(q, AlertJob.Key, alerts.PollInterval);
            Poll<AlertSweepJob>(q, AlertSweepJob.Key, alerts.PollInterval);
            q.ScheduleRetention(retention, alerts.DefaultTimeZone);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>Applies pending migrations when the host starts, if FollowUp:Database:MigrateOnStart (the worker and the web face).</summary>
    public static IServiceCollection AddMigrationAtStart(this IServiceCollection services)
    {
        services.AddHostedService<MigrationAtStart>();
        return services;
    }

    /// <summary>
    /// Every configuration problem, each naming its key, so that a wrong setting stops the worker with a clear list
    /// instead of a stack trace later.
    /// </summary>
    public static IReadOnlyList<string> SettingProblems(IServiceProvider services) => Settings.Problems(services);

    /// <summary>How each mail connection is secured, one line each, as <c>config check</c> reports it.</summary>
    public static IReadOnlyList<string> ConnectionSecurity(IServiceProvider services) =>
        [.. MailFeature.ConnectionSecurity(services), .. InboxFeature.SenderProof(services)];

    /// <summary>Settings that are valid but put something at risk, said loudly at every start.</summary>
    public static IReadOnlyList<string> SettingWarnings(IServiceProvider services) =>
        [.. MailFeature.SettingWarnings(services), .. InboxFeature.SenderWarnings(services), .. AlertsFeature.LeadWarnings(services)];

    /// <summary>
    /// Logs each of <see cref="SettingWarnings"/> at every start of the worker, each risk under its own event: plain text
    /// allowed (904), every sender trusted (905), no clinic lead (906).
    /// </summary>
    public static void LogSettingWarnings(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FollowUp.Settings");
        foreach (var warning in MailFeature.SettingWarnings(services)) Operations.Log.PlainTextAllowed(logger, warning);
        foreach (var warning in InboxFeature.SenderWarnings(services)) Operations.Log.EverySenderTrusted(logger, warning);
        foreach (var warning in AlertsFeature.LeadWarnings(services)) Operations.Log.NoLead(logger, warning);
    }

    private static void Poll<TJob>(IQuartzBuilder q, JobKey key, TimeSpan interval) where TJob : IJob
    {
        q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably());
        // A missed tick is harmless (the next one finds everything due), so misfires are not caught up.
        q.AddTrigger(t => t.ForJob(key).WithIdentity(key.Name, key.Group).StartNow()
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }

    /// <summary>Applies pending migrations before Quartz starts (Quartz waits for the application to have started).</summary>
    private sealed class MigrationAtStart(IOptions<DatabaseOptions> options, ILogger<MigrationAtStart> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.MigrateOnStart) return;
            var applied = await Migrations.ApplyAsync(options.Value, logger, cancellationToken);
            Database.Log.Migrated(logger, applied);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
