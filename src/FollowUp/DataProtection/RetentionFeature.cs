using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace FollowUp.DataProtection;

internal static class RetentionFeature
{
    /// <summary>Retention periods per kind of data, the run that removes what is past them, and its preview.</summary>
    internal static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddSettings<RetentionOptions>(RetentionOptions.Section, o => o.Validate());
        services.AddSingleton<RetentionMailbox>();
        services.AddSingleton(sp => new Retention(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<RetentionOptions>>(), sp.GetRequiredService<RetentionMailbox>(),
            sp.GetRequiredService<ILogger<Retention>>()));
        return services;
    }

    /// <summary>
    /// The daily run at <see cref="RetentionOptions.RunAt"/> in the clinic's zone (the digest's default zone, which belongs
    /// to no patient). A run missed while every node was down runs once when one comes back.
    /// </summary>
    internal static void ScheduleRetention(this IQuartzBuilder q, RetentionOptions options, string clinicTimeZone)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(clinicTimeZone, out var z) ? z : TimeZoneInfo.Utc;
        q.AddJob<RetentionJob>(j => j.WithIdentity(RetentionJob.Key).StoreDurably());
        q.AddTrigger(t => t.ForJob(RetentionJob.Key).WithIdentity(RetentionJob.Key.Name, RetentionJob.Key.Group)
            .WithCronSchedule(string.Create(CultureInfo.InvariantCulture, $"0 {options.RunAt.Minute} {options.RunAt.Hour} * * ?"),
                cron => cron.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
    }
}
