using System.Globalization;
using Dapper;
using FollowUp.Replies;
using FollowUp.Simulation;
using FollowUp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace FollowUp.Tests.Alerts;

/// <summary>
/// The honest cohort of issue 16 (underlying trajectories, Gaussian answer noise, missed check-ins, drop-outs) played
/// through the real enrolment, dispatch queue, reply intake, confirming check-ins and their expiry, on a moved clock; a
/// few courses go through real SMTP and the IMAP inbox. Every rule is measured on the same five seeds and the targets
/// are judged on the five pooled (one seed's 240 other patients make one false alert 0.42 points). Figures go to
/// docs/alerts.md. Size per seed: FOLLOWUP_COHORT_SIZE (300 in CI).
/// </summary>
public class CohortSimulationTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    private static int Size => int.TryParse(Environment.GetEnvironmentVariable("FOLLOWUP_COHORT_SIZE"), CultureInfo.InvariantCulture, out var n) ? n : 300;

    // HighBeyondRise was chosen on seed 16 only; 2004 and 7 are checks it was not tuned on, 42 and 99 were added after
    // every setting was fixed (the confirmation's reminder included). The confirmation rule was chosen on all five.
    private static readonly int[] Seeds = [16, 2004, 7, 42, 99];

    /// <summary>
    /// The rules measured beside the default, each on the same cohorts; FOLLOWUP_COHORT_CANDIDATES (comma-separated names)
    /// picks some of them for a larger run.
    /// </summary>
    public static TheoryData<string> Candidates =>
    [
        .. (Environment.GetEnvironmentVariable("FOLLOWUP_COHORT_CANDIDATES") is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : ["at_threshold", "at_threshold_without_schedule_reminders"]),
    ];

    private static (Dictionary<string, string?> Settings, bool ScheduleReminders) Rule(string name) => name switch
    {
        "above_on_average" => ([], true),
        "at_threshold" => (new() { ["FollowUp:Alerts:ConfirmationRule"] = "AtThreshold" }, true),
        "at_threshold_without_schedule_reminders" => (new() { ["FollowUp:Alerts:ConfirmationRule"] = "AtThreshold" }, false),
        "old" => (new()
        {
            ["FollowUp:Alerts:ConfirmingCheckIn"] = "false",
            ["FollowUp:Alerts:BaselineAwareThresholds"] = "false",
            ["FollowUp:Alerts:HighBeyondRise"] = "0",
        }, false),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such rule"),
    };

    [Fact]
    public async Task With_the_confirming_check_in_late_worseners_are_alerted_within_a_week_of_crossing_and_false_alerts_stay_under_one_in_a_hundred()
    {
        var figures = await MeasureAsync("above_on_average");
        // Issue 16's targets, on the five seeds pooled (1,200 other patients and 300 late worseners at 300 courses).
        Assert.True(figures.FalseAlertRate <= 0.01, $"false alerts {figures.OthersAlerted}/{figures.Others}");
        Assert.True(figures.MedianDelayDays <= 7, $"median delay {figures.MedianDelayDays} days");
        // Sensitivity among the worseners a reading could show: on about 300 of them one miss is a third of a point, so
        // the 99 % target is asserted on the larger runs' evidence as "at most 1 in 50 here" (docs/alerts.md).
        Assert.True(figures.DetectableSensitivity >= 0.98, $"sensitivity of the detectable {figures.DetectableAlerted}/{figures.Detectable}; {figures.MissLine()}");
        Assert.True(figures.ConfirmingCheckIns > 0, "no confirming check-in was planned");
    }

    [Theory]
    [MemberData(nameof(Candidates))]
    public async Task A_confirming_answer_that_only_has_to_reach_the_threshold_alerts_falsely_more_often_on_the_same_cohorts(string rule)
    {
        var candidate = await MeasureAsync(rule);
        var chosen = await MeasureAsync("above_on_average");
        Assert.True(candidate.OthersAlerted > chosen.OthersAlerted,
            $"{rule}: false alerts {candidate.OthersAlerted}/{candidate.Others}, the default's {chosen.OthersAlerted}/{chosen.Others}");
    }

    [Theory]
    [MemberData(nameof(SeedData))]
    public async Task Todays_rule_without_confirmation_alerts_falsely_on_more_than_one_in_twenty_patients(int seed)
    {
        var figures = await RunAsync(seed, "old");
        Print($"old rule, seed {seed}", figures);
        Assert.True(figures.FalseAlertRate > 0.05, $"false alerts {figures.OthersAlerted}/{figures.Others}");
        Assert.Equal(0, figures.ConfirmingCheckIns);
    }

    public static TheoryData<int> SeedData => [.. Seeds];

    // A rule's five runs, measured once per test run and shared by the tests that compare with it.
    private static readonly Dictionary<string, Task<SimulationFigures>> Measured = [];

    private Task<SimulationFigures> MeasureAsync(string rule)
    {
        lock (Measured)
        {
            if (!Measured.TryGetValue(rule, out var run)) Measured[rule] = run = MeasureNowAsync(rule);
            return run;
        }
    }

    private async Task<SimulationFigures> MeasureNowAsync(string rule)
    {
        var runs = new List<SimulationFigures>();
        foreach (var seed in Seeds)
        {
            runs.Add(await RunAsync(seed, rule));
            Print($"{rule}, seed {seed}", runs[^1]);
        }
        var pooled = SimulationFigures.Pool(runs);
        Print($"{rule}, the five seeds pooled", pooled);
        return pooled;
    }

    private void Print(string name, SimulationFigures figures)
    {
        output.WriteLine(name);
        foreach (var line in figures.Lines()) output.WriteLine("  " + line);
    }

    private static async Task<SimulationFigures> RunAsync(int seed, string rule)
    {
        var (settings, scheduleReminders) = Rule(rule);
        await using var clinic = await Clinic.OpenAsync(Monday);
        if (!scheduleReminders)
        {
            await using var connection = new NpgsqlConnection(clinic.ConnectionString);
            await connection.ExecuteAsync("UPDATE schedules SET reminder_count = 0 WHERE id = 1");
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Clinic.Settings(clinic.ConnectionString, clinic.Domain, settings)).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddCohortSimulation(Monday);
        collection.AddFollowUpCore();
        await using var services = collection.BuildServiceProvider();
        var inbox = services.GetRequiredService<Inbox>();
        var cohort = HonestCohort.Create(Size, seed);
        // Every 60th course of the default rule's seed 16 answers through the real SMTP server and is read back from IMAP.
        var viaMail = rule == "above_on_average" && seed == 16;
        return await services.GetRequiredService<CohortSimulation>().RunAsync(cohort, seed,
            viaMail: viaMail ? i => i % 60 == 0 : null,
            mailPath: async messages =>
            {
                foreach (var message in messages) await Clinic.SendAsync(message);
                await new Mailbox(clinic.RepliesAddress).WaitForAsync(messages.Count);
                Assert.Equal(messages.Count, (await inbox.ReadAsync(default)).Answers);
            });
    }
}
