namespace FollowUp.Simulation;

/// <summary>A point of an underlying trajectory: the value on a day after the course ended (linear in between).</summary>
public sealed record TrajectoryPoint(double Day, double Value);

/// <summary>
/// One simulated patient as the world has it: an underlying pain trajectory (and PHQ-2), the noise of each answer,
/// the chance of answering a check-in, and the day after which they answer nothing. <see cref="LateWorsener"/> is the
/// truth the alerts are judged against.
/// </summary>
public sealed record SimulatedCourse(string Kind, bool LateWorsener, int Baseline, int End, IReadOnlyList<TrajectoryPoint> Pain, double NoiseSd,
    double AnswerChance, double? StopsAfterDay = null, IReadOnlyList<TrajectoryPoint>? Phq2 = null)
{
    /// <summary>The underlying value of a trajectory on a day: flat before the first and after the last point, linear between.</summary>
    public static double At(IReadOnlyList<TrajectoryPoint> points, double day)
    {
        if (day <= points[0].Day) return points[0].Value;
        for (var i = 1; i < points.Count; i++)
            if (day <= points[i].Day)
                return points[i - 1].Value + (points[i].Value - points[i - 1].Value) * (day - points[i - 1].Day) / (points[i].Day - points[i - 1].Day);
        return points[^1].Value;
    }

    /// <summary>An answer as the patient gives it: the underlying value plus Gaussian noise, rounded and clipped.</summary>
    public static int Answer(double underlying, double sd, Random random, int max) =>
        Math.Clamp((int)Math.Round(underlying + sd * Gaussian(random), MidpointRounding.AwayFromZero), 0, max);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>
/// The cohort of issue 16: sustained improvers (answer SD 0.6), noisy stable improvers (SD 1.0), late worseners
/// (well to week 4, then climbing linearly back to baseline by week 12, like Hasson 2004's massage group), non-responders,
/// patients who stop answering; everyone misses about 8% of check-ins.
/// </summary>
public static class HonestCohort
{
    public const double MissedCheckIns = 0.08;

    public static IReadOnlyList<SimulatedCourse> Create(int count, int seed)
    {
        var random = new Random(seed);
        var courses = new List<SimulatedCourse>(count);
        for (var i = 0; i < count; i++)
        {
            var baseline = random.Next(5, 10);
            var improved = baseline - random.Next(3, 6);
            var calmMood = Flat(0.6 + random.NextDouble());
            var share = (double)i / count;
            courses.Add(share switch
            {
                < 0.30 => new SimulatedCourse("sustained_improver", false, baseline, improved, Flat(improved), 0.6, 1 - MissedCheckIns, Phq2: calmMood),
                < 0.50 => new SimulatedCourse("noisy_stable", false, baseline, improved, Flat(improved), 1.0, 1 - MissedCheckIns, Phq2: calmMood),
                < 0.70 => new SimulatedCourse("late_worsener", true, baseline, improved,
                    [new(28, improved), new(84, baseline)], 0.8, 1 - MissedCheckIns, Phq2: [new(28, 1.0), new(84, 2.5)]),
                < 0.85 => NonResponder(baseline, random, calmMood),
                _ => new SimulatedCourse("stops_answering", false, baseline, improved, Flat(improved), 0.6, 1 - MissedCheckIns,
                    StopsAfterDay: random.Next(7, 43), Phq2: calmMood),
            });
        }
        return courses;
    }

    private static SimulatedCourse NonResponder(int baseline, Random random, IReadOnlyList<TrajectoryPoint> mood)
    {
        var end = baseline - random.Next(0, 2);
        return new SimulatedCourse("non_responder", false, baseline, end, Flat(end), 0.8, 1 - MissedCheckIns, Phq2: mood);
    }

    private static IReadOnlyList<TrajectoryPoint> Flat(double value) => [new(0, value)];
}
