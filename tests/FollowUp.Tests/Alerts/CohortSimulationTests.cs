using System.Globalization;
using FollowUp.Replies;
using FollowUp.Simulation;
using FollowUp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace FollowUp.Tests.Alerts;

/// <summary>
/// The honest cohort of issue 16 (underlying trajectories, Gaussian answer noise, missed check-ins, drop-outs) played
/// through the real enrolment, reply intake, confirming check-ins and their expiry, on a moved clock; a few courses go
/// through real SMTP and the IMAP inbox. Figures go to docs/alerts.md. Size per seed: FOLLOWUP_COHORT_SIZE (300 in CI).
/// </summary>
public class CohortSimulationTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    private static int Size => int.TryParse(Environment.GetEnvironmentVariable("FOLLOWUP_COHORT_SIZE"), CultureInfo.InvariantCulture, out var n) ? n : 300;

    // HighBeyondRise was chosen on seed 16 only; 2004 and 7 are checks it was not tuned on, 42 and 99 were added after
    // every setting was fixed (the confirmation's reminder included).
    public static TheoryData<int> Seeds => new() { 16, 2004, 7, 42, 99 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task With_the_confirming_check_in_late_worseners_are_alerted_within_a_week_of_crossing_and_false_alerts_fall_to_a_fifth_of_todays(int seed)
    {
        var figures = await RunAsync(seed, new Dictionary<string, string?>(), viaMail: seed == 16);
        Print($"new rule, seed {seed}", figures);
        // Issue 16's targets are 99%, 1% and 7 days. The median delay target is asserted; for the others, what every seed
        // reaches at 300 courses (docs/alerts.md: at 300 courses one false alert is 0.42 points, and the larger runs put
        // the rate under 1 %). A late worsener none of whose readings crossed the threshold cannot be alerted by any
        // reading rule; those missed although a reading crossed can.
        var worseners = figures.Kinds.Single(k => k.LateWorseners);
        Assert.True(figures.Sensitivity >= 0.93, $"sensitivity {figures.WorsenersAlerted}/{figures.Worseners}");
        Assert.True(worseners.MissedWithCrossing <= 0.035 * worseners.Courses, $"{worseners.MissedWithCrossing} late worseners missed although a reading crossed");
        Assert.True(figures.FalseAlertRate <= 0.017, $"false alerts {figures.OthersAlerted}/{figures.Others}");
        Assert.True(figures.MedianDelayDays <= 7, $"median delay {figures.MedianDelayDays} days");
        Assert.True(figures.ConfirmingCheckIns > 0, "no confirming check-in was planned");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Todays_rule_without_confirmation_alerts_falsely_on_more_than_one_in_twenty_patients(int seed)
    {
        var old = new Dictionary<string, string?>
        {
            ["FollowUp:Alerts:ConfirmingCheckIn"] = "false",
            ["FollowUp:Alerts:BaselineAwareThresholds"] = "false",
            ["FollowUp:Alerts:HighBeyondRise"] = "0",
        };
        var figures = await RunAsync(seed, old, viaMail: false);
        Print($"old rule, seed {seed}", figures);
        Assert.True(figures.FalseAlertRate > 0.05, $"false alerts {figures.OthersAlerted}/{figures.Others}");
        Assert.Equal(0, figures.ConfirmingCheckIns);
    }

    private void Print(string name, SimulationFigures figures)
    {
        output.WriteLine(name);
        foreach (var line in figures.Lines()) output.WriteLine("  " + line);
    }

    private static async Task<SimulationFigures> RunAsync(int seed, Dictionary<string, string?> settings, bool viaMail)
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Clinic.Settings(clinic.ConnectionString, clinic.Domain, settings)).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddCohortSimulation(Monday);
        collection.AddFollowUpCore();
        await using var services = collection.BuildServiceProvider();
        var inbox = services.GetRequiredService<Inbox>();
        var cohort = HonestCohort.Create(Size, seed);
        // Every 60th course answers through the real SMTP server and is read back from the IMAP mailbox.
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
