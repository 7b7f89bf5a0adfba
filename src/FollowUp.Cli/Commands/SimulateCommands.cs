using System.CommandLine;
using FollowUp.Simulation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>simulate cohort FILE</c>: try the alert settings on simulated courses before trusting them.</summary>
internal static class SimulateCommands
{
    public static Command Build() => new("simulate", "Try the alert settings on simulated patients (a scratch database; the clinic's data is not touched).") { Cohort() };

    private static Command Cohort()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV, one row per kind of course: baseline,end,pain_wN...,noise_sd,answer_chance,stops_after_week,phq2_wN...,kind,late_worsener,courses" };
        var seed = new Option<int>("--seed") { Description = "Seed of the answer noise (the same seed gives the same answers)", DefaultValueFactory = _ => 1 };
        var command = new Command("cohort", """
            Play the courses of FILE (underlying pain trajectories) through the real planning, reply intake, confirming
            check-ins and assessment on a fast clock, against a scratch database created beside the clinic's (needs
            CREATEDB) and dropped afterwards, with this clinic's alert settings. Each answer is the underlying pain on
            the day asked plus Gaussian noise (noise_sd), rounded to 0-10. Prints per kind: sensitivity (late
            worseners alerted), false alerts (others alerted), days from the first crossing reading to the alert.
            Columns: baseline, end (0-10, required); pain_wN (underlying pain at week N, linear in between); noise_sd
            (0.8); answer_chance (0.92); stops_after_week; phq2_wN (PHQ-2 total 0-6 at week N); kind; late_worsener
            (true/false; without it: improved by 2 and 30% and later back at end + 2); courses (rows stand for so many, 1).
            Example: followup-admin simulate cohort cohort.csv --seed 7
            """) { file, seed };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var path = parsed.GetValue(file)!;
            if (!path.Exists) throw new UserError($"{path.FullName}: no such file");
            IReadOnlyList<SimulatedCourse> cohort;
            try
            {
                cohort = CohortFile.Read(await File.ReadAllTextAsync(path.FullName, cancellationToken));
            }
            catch (CohortFileException e)
            {
                throw new UserError($"{path.Name}: {string.Join("; ", e.Problems)}");
            }
            await using var services = CliContext.Services(parsed);
            var figures = await ScratchSimulation.RunAsync(services.GetRequiredService<IConfiguration>(), cohort, parsed.GetValue(seed), cancellationToken);
            foreach (var line in figures.Lines()) Console.WriteLine(line);
            return 0;
        });
        return command;
    }
}
