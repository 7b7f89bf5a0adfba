using FollowUp.Simulation;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Simulation;

/// <summary><c>simulate cohort</c> as a clinic lead runs it, and the cohort file it reads.</summary>
public class SimulateCohortCommandTests
{
    [Fact]
    public async Task A_cohort_file_is_played_on_a_scratch_database_and_the_figures_are_printed_per_kind()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var file = Path.Combine(Path.GetTempPath(), "cohort-" + Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(file, """
            kind,courses,baseline,end,pain_w4,pain_w12,noise_sd,answer_chance,late_worsener
            stays well,20,8,3,3,3,0.6,0.92,false
            worsens,10,8,3,3,8,0.8,0.92,true
            """);

        var run = await Tool.RunAsync("followup-admin.dll", ["simulate", "cohort", file, "--seed", "5", "--connection", connectionString], timeout: TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Matches(@"stays well\s+20 courses  false alerts \d+/20", run.Stdout);
        Assert.Matches(@"worsens\s+10 courses  sensitivity \d+/10", run.Stdout);
        Assert.Contains("all                     30 courses", run.Stdout, StringComparison.Ordinal);
        // The scratch database is gone and the clinic's has no simulated course.
        await using var data = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var db = await data.OpenConnectionAsync();
        await using var courses = new Npgsql.NpgsqlCommand("SELECT count(*) FROM courses", db);
        Assert.Equal(0L, await courses.ExecuteScalarAsync());
        await using var scratch = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'followup_simulation_%'", db);
        Assert.Equal(0L, await scratch.ExecuteScalarAsync());
    }

    [Fact]
    public void A_bad_cohort_file_names_each_problem_with_its_line_and_column()
    {
        var error = Assert.Throws<CohortFileException>(() => CohortFile.Read("""
            baseline,end,pain_w4,colour
            8,3,x,red
            """));
        Assert.Contains("unknown column 'colour' (see 'followup-admin simulate cohort --help')", error.Problems);

        error = Assert.Throws<CohortFileException>(() => CohortFile.Read("""
            baseline,end,pain_w4,late_worsener
            11,3,4,maybe
            8,3,x,true
            """));
        Assert.Contains("line 2, column baseline: '11' is not a number 0-10", error.Problems);
        Assert.Contains("line 2, column late_worsener: 'maybe' is not true or false", error.Problems);
        Assert.Contains("line 3, column pain_w4: 'x' is not a number 0-10", error.Problems);
    }

    [Fact]
    public void A_cohort_file_that_names_a_column_twice_is_refused_naming_it()
    {
        var error = Assert.Throws<CohortFileException>(() => CohortFile.Read("""
            baseline,baseline,end
            8,7,3
            """));
        Assert.Contains("the column 'baseline' is given 2 times", error.Problems);
    }

    [Fact]
    public void Without_a_late_worsener_column_the_truth_is_an_improvement_followed_by_a_return_of_two_points()
    {
        var cohort = CohortFile.Read("""
            baseline,end,pain_w12
            8,3,7
            8,3,4
            5,5,8
            """);
        Assert.Equal([true, false, false], cohort.Select(c => c.LateWorsener).ToArray());
        Assert.Equal(5.0, SimulatedCourse.At(cohort[0].Pain, 42), 3);
    }
}
