using FollowUp.Alerts;
using FollowUp.CheckIns;
using FollowUp.Courses;
using FollowUp.Database;
using FollowUp.Mail;
using FollowUp.Replies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace FollowUp;

/// <summary>Registers everything the worker runs: options, the database, each feature, and Quartz.</summary>
public static class FollowUpServices
{
    /// <summary>The clustered Quartz scheduler's name: every worker sharing a database joins the cluster of this name.</summary>
    internal const string SchedulerName = "FollowUp";

    /// <summary>Options, data source and feature services, without Quartz (the admin tool and tests use this).</summary>
    public static IServiceCollection AddFollowUpCore(this IServiceCollection services)
    {
        services.TryAddTimeProvider();
        AddValidatedOptions<DatabaseOptions>(services, DatabaseOptions.Section, o => o.Validate());
        AddValidatedOptions<SmtpOptions>(services, SmtpOptions.Section, o => o.Validate(SmtpOptions.Section));
        AddValidatedOptions<ImapOptions>(services, ImapOptions.Section, o => o.Validate(ImapOptions.Section));
        AddValidatedOptions<ClinicOptions>(services, ClinicOptions.Section, o => o.Validate());
        AddValidatedOptions<DispatchOptions>(services, DispatchOptions.Section, o => o.Validate());
        AddValidatedOptions<InboxOptions>(services, InboxOptions.Section, o => o.Validate());
        AddValidatedOptions<AlertOptions>(services, AlertOptions.Section, o => o.Validate());
        AddValidatedOptions<Operations.ClusterOptions>(services, Operations.ClusterOptions.Section, o => o.Validate());

        services.AddSingleton(sp => Db.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddSingleton<System.Data.Common.DbDataSource>(sp => sp.GetRequiredService<NpgsqlDataSource>());
        services.AddSingleton(sp =>
        {
            var clinic = sp.GetRequiredService<IOptions<ClinicOptions>>().Value;
            return new ReplyToken(clinic.ResolveTokenKey(), clinic.ResolvePreviousTokenKeys());
        });

        services.AddSingleton<CourseEnrolment>();
        services.AddSingleton<FollowUp.Schedules.ScheduleStore>();
        services.AddSingleton<CourseChanges>();
        services.AddSingleton<SendLog>();
        services.AddSingleton<Therapists>();
        services.AddSingleton<Courses.Import.CourseImport>();
        services.AddSingleton<Audit.AuditQuery>();
        services.AddSingleton<Operations.ServiceStatus>();
        services.AddSingleton<Operations.Outages>();
        services.AddSingleton<CheckInDispatch>();
        services.AddSingleton<Assessment>();
        services.AddSingleton<Reassessment>();
        services.AddSingleton<ReplyIntake>();
        services.AddSingleton<Clarification>();
        services.AddSingleton<Inbox>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<Acknowledgement>();
        services.AddSingleton<Escalation>();
        services.AddSingleton<Digest>();
        return services;
    }

    /// <summary>The whole worker: core services, migrations at start, and the clustered Quartz pollers.</summary>
    public static IHostApplicationBuilder AddFollowUp(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddFollowUpCore();
        services.AddHostedService<MigrationAtStart>();

        var dispatch = builder.Configuration.GetSection(DispatchOptions.Section).Get<DispatchOptions>() ?? new DispatchOptions();
        var inbox = builder.Configuration.GetSection(InboxOptions.Section).Get<InboxOptions>() ?? new InboxOptions();
        var cluster = builder.Configuration.GetSection(Operations.ClusterOptions.Section).Get<Operations.ClusterOptions>() ?? new Operations.ClusterOptions();
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
            Poll<AlertJob>(q, AlertJob.Key, dispatch.PollInterval);
            Poll<AlertSweepJob>(q, AlertSweepJob.Key, dispatch.PollInterval);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>
    /// Every configuration problem, each naming its key, so that a wrong setting stops the worker with a clear list
    /// instead of a stack trace later.
    /// </summary>
    /// <summary>How each mail connection is secured, one line each, as <c>config check</c> reports it (a connection whose settings are invalid is left out: its problems say why).</summary>
    public static IReadOnlyList<string> ConnectionSecurity(IServiceProvider services) =>
        MailServers(services).Select(m => m.Options.DescribeSecurity(m.Section)).ToList();

    /// <summary>Settings that are valid but put something at risk, said loudly at every start.</summary>
    public static IReadOnlyList<string> SettingWarnings(IServiceProvider services) =>
        MailServers(services).Select(m => m.Options.PlainTextWarning(m.Section)).OfType<string>().ToList();

    /// <summary>Logs each of <see cref="SettingWarnings"/> as a warning (event 904): the worker does this at every start.</summary>
    public static void LogSettingWarnings(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FollowUp.Settings");
        foreach (var warning in SettingWarnings(services)) Operations.Log.RiskySetting(logger, warning);
    }

    private static IEnumerable<(string Section, MailServerOptions Options)> MailServers(IServiceProvider services)
    {
        if (Valid<SmtpOptions>(services) is { } smtp) yield return (SmtpOptions.Section, smtp);
        if (Valid<ImapOptions>(services) is { } imap) yield return (ImapOptions.Section, imap);
    }

    private static T? Valid<T>(IServiceProvider services) where T : class
    {
        var problems = new List<string>();
        Check<T>(services, problems);
        return problems.Count == 0 ? services.GetRequiredService<IOptions<T>>().Value : null;
    }

    public static IReadOnlyList<string> SettingProblems(IServiceProvider services)
    {
        var problems = new List<string>();
        Check<DatabaseOptions>(services, problems);
        Check<SmtpOptions>(services, problems);
        Check<ImapOptions>(services, problems);
        Check<ClinicOptions>(services, problems);
        Check<DispatchOptions>(services, problems);
        Check<InboxOptions>(services, problems);
        Check<AlertOptions>(services, problems);
        Check<Operations.ClusterOptions>(services, problems);
        return problems;
    }

    private static void Check<T>(IServiceProvider services, List<string> problems) where T : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
        catch (InvalidOperationException e)
        {
            // The binder's own complaint, e.g. a duration that is not a TimeSpan or a number that is not a number.
            problems.Add($"{typeof(T).Name}: {e.Message}");
        }
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

    private static void AddValidatedOptions<T>(IServiceCollection services, string section, Func<T, IEnumerable<string>> validate) where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new OptionsRules<T>(validate));
    }

    /// <summary>Validation that names the setting and the reason, so a wrong setting stops the worker with a clear message.</summary>
    private sealed class OptionsRules<T>(Func<T, IEnumerable<string>> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var problems = validate(options).ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
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
