using System.Globalization;
using Dapper;
using FollowUp.Alerts;
using FollowUp.CheckIns;
using FollowUp.Courses;
using FollowUp.Mail;
using FollowUp.Replies;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.Simulation;

/// <summary>
/// Per kind of patient: how many, how many alerted (late worsening or pain rise), and the delays from the first crossing
/// reading. For late worseners also how many were detectable (<see cref="Detectable"/>: on a day they answered, their
/// underlying pain had reached the threshold, so a reading could show the worsening), how many of those were alerted,
/// and each miss by its cause (<see cref="MissCauses"/>).
/// </summary>
public sealed record KindFigures(string Kind, bool LateWorseners, int Courses, int Alerted, int MissedWithCrossing, IReadOnlyList<double> DelayDays,
    int Detectable = 0, int DetectableAlerted = 0, IReadOnlyDictionary<string, int>? Misses = null)
{
    /// <summary>Why a late worsener was not alerted, as <see cref="Misses"/> counts them.</summary>
    public static class MissCauses
    {
        public const string NeverDetectable = "never detectable";
        public const string HiddenByNoise = "detectable, no answer crossed";
        public const string NotConfirmed = "detectable, crossed, not confirmed";
        public const string NoiseCrossingNotConfirmed = "not detectable, a noisy answer crossed, not confirmed";
    }

    public double Share => Courses == 0 ? 0 : (double)Alerted / Courses;
    public double DetectableShare => Detectable == 0 ? 0 : (double)DetectableAlerted / Detectable;
    public double? MedianDelayDays => DelayDays.Count == 0 ? null : Quantile(DelayDays, 0.5);
    public double? P90DelayDays => DelayDays.Count == 0 ? null : Quantile(DelayDays, 0.9);

    /// <summary>The q-quantile, interpolated between the two nearest values (the median of an even count is their mean).</summary>
    internal static double Quantile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        return below + 1 < sorted.Count ? sorted[below] + (sorted[below + 1] - sorted[below]) * (position - below) : sorted[below];
    }
}

/// <summary>The figures of one simulated run: per kind, and sensitivity / false alerts / median delay over the cohort.</summary>
public sealed record SimulationFigures(IReadOnlyList<KindFigures> Kinds, int ConfirmingCheckIns, int Answers, int Reminders = 0)
{
    public int Worseners => Kinds.Where(k => k.LateWorseners).Sum(k => k.Courses);
    public int WorsenersAlerted => Kinds.Where(k => k.LateWorseners).Sum(k => k.Alerted);
    public int Others => Kinds.Where(k => !k.LateWorseners).Sum(k => k.Courses);
    public int OthersAlerted => Kinds.Where(k => !k.LateWorseners).Sum(k => k.Alerted);
    public double Sensitivity => Worseners == 0 ? 0 : (double)WorsenersAlerted / Worseners;
    public int Detectable => Kinds.Where(k => k.LateWorseners).Sum(k => k.Detectable);
    public int DetectableAlerted => Kinds.Where(k => k.LateWorseners).Sum(k => k.DetectableAlerted);
    /// <summary>Sensitivity among the late worseners a reading could show (<see cref="KindFigures.Detectable"/>).</summary>
    public double DetectableSensitivity => Detectable == 0 ? 0 : (double)DetectableAlerted / Detectable;
    /// <summary>The late worseners missed, by cause.</summary>
    public IReadOnlyDictionary<string, int> Misses => Kinds.Where(k => k.LateWorseners && k.Misses is not null).SelectMany(k => k.Misses!)
        .GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
    public double FalseAlertRate => Others == 0 ? 0 : (double)OthersAlerted / Others;
    public double? MedianDelayDays => Delay(0.5);
    public double? P90DelayDays => Delay(0.9);

    private double? Delay(double q)
    {
        var delays = Kinds.Where(k => k.LateWorseners).SelectMany(k => k.DelayDays).ToList();
        return delays.Count == 0 ? null : KindFigures.Quantile(delays, q);
    }

    /// <summary>Several runs (seeds) as one: counts summed and delays pooled per kind, so a target is judged on all of them.</summary>
    public static SimulationFigures Pool(IReadOnlyList<SimulationFigures> runs) => new(
        runs.SelectMany(r => r.Kinds).GroupBy(k => (k.Kind, k.LateWorseners)).Select(g => new KindFigures(g.Key.Kind, g.Key.LateWorseners,
            g.Sum(k => k.Courses), g.Sum(k => k.Alerted), g.Sum(k => k.MissedWithCrossing), g.SelectMany(k => k.DelayDays).ToList(),
            g.Sum(k => k.Detectable), g.Sum(k => k.DetectableAlerted),
            g.SelectMany(k => k.Misses ?? new Dictionary<string, int>()).GroupBy(m => m.Key).ToDictionary(m => m.Key, m => m.Sum(x => x.Value)))).ToList(),
        runs.Sum(r => r.ConfirmingCheckIns), runs.Sum(r => r.Answers), runs.Sum(r => r.Reminders));

    /// <summary>One line per kind and a total, as the test output and <c>simulate cohort</c> print them.</summary>
    public IEnumerable<string> Lines()
    {
        foreach (var k in Kinds)
            yield return k.LateWorseners
                ? string.Create(CultureInfo.InvariantCulture, $"{k.Kind,-20} {k.Courses,5} courses  sensitivity {k.Alerted}/{k.Courses} = {100 * k.Share:0.0}%, of the detectable {k.DetectableAlerted}/{k.Detectable} = {100 * k.DetectableShare:0.0}%  missed with a crossing reading {k.MissedWithCrossing}  delay median {Days(k.MedianDelayDays)}, p90 {Days(k.P90DelayDays)}")
                : string.Create(CultureInfo.InvariantCulture, $"{k.Kind,-20} {k.Courses,5} courses  false alerts {k.Alerted}/{k.Courses} = {100 * k.Share:0.0}%");
        yield return string.Create(CultureInfo.InvariantCulture,
            $"{"all",-20} {Worseners + Others,5} courses  sensitivity {WorsenersAlerted}/{Worseners} = {100 * Sensitivity:0.0}%, of the detectable {DetectableAlerted}/{Detectable} = {100 * DetectableSensitivity:0.0}%  false alerts {OthersAlerted}/{Others} = {100 * FalseAlertRate:0.00}%  delay median {Days(MedianDelayDays)}, p90 {Days(P90DelayDays)}  ({Answers} answers, {ConfirmingCheckIns} confirming check-ins, {Reminders} reminders)");
        if (Worseners > 0) yield return $"{"",-20} late worseners' {MissLine()}";
    }

    /// <summary>The late worseners missed, one count per cause, as one line ("misses: none" without any).</summary>
    public string MissLine() =>
        "misses: " + (Misses.Count == 0 ? "none" : string.Join("; ", Misses.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Value} {m.Key}")));

    private static string Days(double? days) => days is { } d ? string.Create(CultureInfo.InvariantCulture, $"{d:0.0} days") : "n/a";
}

/// <summary>
/// Plays simulated courses through the real enrolment (planning), the real dispatch queue (claim, fresh check, send
/// window, rendering, record, reminders: <see cref="CheckInDispatch.DeliverDueAsync"/>, with the patients' mailboxes
/// standing in for SMTP), the real reply intake (token match, parse, store, assess, confirming check-ins) and the expiry
/// of confirmations, on a clock it moves, against the configured database. The patient gets each email dispatch sends
/// (a check-in, a confirming check-in, a reminder of either), answers it with their chance of answering, per email,
/// unless they already answered that check-in, from their underlying trajectory on the day they answer. Replies of the
/// courses that viaMail picks go to mailPath (e.g. real SMTP, then the IMAP inbox) instead.
/// </summary>
internal sealed class CohortSimulation(NpgsqlDataSource dataSource, SimulationClock clock, CourseEnrolment enrolment, CheckInDispatch dispatch,
    ReplyIntake intake, ConfirmationExpiry confirmations, ReplyToken tokens, IOptions<ClinicOptions> clinic, IOptions<AlertOptions> alertOptions)
{
    private static readonly TimeSpan Step = TimeSpan.FromHours(3);
    private const int FollowUpDays = 100;

    public async Task<SimulationFigures> RunAsync(IReadOnlyList<SimulatedCourse> cohort, int seed, Func<int, bool>? viaMail = null,
        Func<IReadOnlyList<MimeMessage>, Task>? mailPath = null, CancellationToken cancellationToken = default)
    {
        var start = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(start.UtcDateTime);
        var domain = clinic.Value.ReplyAddress.Split('@')[1];
        var courses = new long[cohort.Count];
        var byCourse = new Dictionary<long, int>();
        for (var i = 0; i < cohort.Count; i++)
        {
            var c = cohort[i];
            courses[i] = await enrolment.EnrolAsync(new Enrolment
            {
                PatientName = $"Simulated {i}", PatientEmail = $"sim{i}@{domain}", TimeZone = "Europe/London", TherapistEmail = $"therapist@{domain}",
                StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = c.Baseline, PainAtEnd = c.End,
                Consent = new DataProtection.EnrolmentConsent("form", null, null, "simulated patient"),
            }, cancellationToken);
            byCourse[courses[i]] = i;
        }
        // Every patient draws from their own stream, so a course's answers do not depend on the others'.
        var randoms = cohort.Select((_, i) => new Random(unchecked(seed * 1_000_003 + i))).ToArray();
        var pending = new PriorityQueue<(int Course, long CheckInId, bool AsksPhq2, string InReplyTo), DateTimeOffset>();
        var answering = new HashSet<long>();
        // The world's side of every answer: the day and the patient's underlying pain then (not what they wrote).
        var truth = cohort.Select(_ => new List<double>()).ToArray();
        uint uid = 0;
        var answers = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        for (var now = start; now <= start.AddDays(FollowUpDays); now += Step)
        {
            clock.MoveTo(now);
            foreach (var (item, sent) in await dispatch.DeliverDueAsync(cancellationToken))
            {
                var i = byCourse[item.CourseId];
                var random = randoms[i];
                // Nobody answers the same check-in twice: a reminder that crosses the answer in the post is ignored.
                if (answering.Contains(item.CheckInId) || random.NextDouble() >= cohort[i].AnswerChance) continue;
                // Most answer the same day, some the next (1-36 hours).
                var at = now + TimeSpan.FromHours(1 + 35 * random.NextDouble() * random.NextDouble());
                if (cohort[i].StopsAfterDay is { } stop && (at - start).TotalDays > stop) continue;
                answering.Add(item.CheckInId);
                pending.Enqueue((i, item.CheckInId, item.AsksPhq2, sent.MessageId!), at);
            }
            var mailed = new List<MimeMessage>();
            while (pending.TryPeek(out var due, out var at) && at <= now + Step)
            {
                pending.Dequeue();
                clock.MoveTo(at);
                var day = (at - start).TotalDays;
                truth[due.Course].Add(SimulatedCourse.At(cohort[due.Course].Pain, day));
                var message = Answer(cohort[due.Course], randoms[due.Course], day, due, domain, seed);
                answers++;
                if (viaMail?.Invoke(due.Course) == true && mailPath is not null) mailed.Add(message);
                else await intake.AcceptAsync(new InboundKey("simulation", 1, ++uid), message, cancellationToken);
            }
            if (mailed.Count > 0) await mailPath!(mailed);
            clock.MoveTo(now + Step);
            await confirmations.RaiseExpiredAsync(cancellationToken);
        }
        return await FiguresAsync(connection, cohort, courses, truth, answers, cancellationToken);
    }

    private MimeMessage Answer(SimulatedCourse course, Random random, double day, (int Course, long CheckInId, bool AsksPhq2, string InReplyTo) due, string domain, int seed)
    {
        var text = $"Pain {SimulatedCourse.Answer(SimulatedCourse.At(course.Pain, day), course.NoiseSd, random, 10)}";
        if (due.AsksPhq2 && course.Phq2 is { } phq2)
        {
            var total = SimulatedCourse.Answer(SimulatedCourse.At(phq2, day), 0.7, random, 6);
            text += $"\na: {(total + 1) / 2}\nb: {total / 2}";
        }
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(null, $"sim{due.Course}@{domain}"));
        message.To.Add(MailboxAddress.Parse(clinic.Value.ReplyAddress.Replace("@", $"+{tokens.Create('c', due.CheckInId)}@", StringComparison.Ordinal)));
        message.Subject = "Re: How is your back?";
        message.MessageId = $"sim{seed}.{due.CheckInId}@{domain}";
        message.InReplyTo = due.InReplyTo;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    private async Task<SimulationFigures> FiguresAsync(NpgsqlConnection connection, IReadOnlyList<SimulatedCourse> cohort, long[] courses,
        List<double>[] truth, int answers, CancellationToken cancellationToken)
    {
        var firstAlert = (await connection.QueryAsync<(long CourseId, DateTime At)>(new CommandDefinition(FirstPainAlerts, new { courses }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.CourseId, r => r.At);
        var readings = (await connection.QueryAsync<ReadingRow>(new CommandDefinition(Readings, new { courses }, cancellationToken: cancellationToken)))
            .GroupBy(r => r.CourseId).ToDictionary(g => g.Key, g => g.ToList());
        var confirming = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*) FROM check_ins WHERE course_id = ANY(@courses) AND confirms_check_in_id IS NOT NULL", new { courses }, cancellationToken: cancellationToken));
        var reminders = await connection.ExecuteScalarAsync<int>(new CommandDefinition(SentReminders, new { courses }, cancellationToken: cancellationToken));
        // The first crossing reading: the first answer on which the rule, without any confirmation, would find something.
        var plain = alertOptions.Value;
        DateTime? FirstCrossing(long courseId, SimulatedCourse course)
        {
            var list = readings.GetValueOrDefault(courseId) ?? [];
            for (var n = 1; n <= list.Count; n++)
            {
                var prefix = list.Take(n).Select(r => new PainReading(r.OffsetDays, r.Pain)).ToList();
                if (LateWorseningRule.Evaluate(course.Baseline, course.End, prefix, plain) is not null) return list[n - 1].ReceivedAt;
            }
            return null;
        }
        // Detectable, from the world's side: on a day the patient answered, the underlying pain had reached the rule's
        // threshold R(s) above the score the rise is measured from, so the answer could show the worsening.
        bool Detectable(int i)
        {
            var c = cohort[i];
            var (from, needed) = LateWorseningRule.Improved(c.Baseline, c.End, plain)
                ? (c.End, plain.RiseThreshold(c.End))
                : (c.Baseline, plain.NonImproverThreshold(c.Baseline, c.End));
            return truth[i].Any(u => u - from >= needed);
        }
        string Cause(int i, bool crossed) => (Detectable(i), crossed) switch
        {
            (false, false) => KindFigures.MissCauses.NeverDetectable,
            (false, true) => KindFigures.MissCauses.NoiseCrossingNotConfirmed,
            (true, false) => KindFigures.MissCauses.HiddenByNoise,
            (true, true) => KindFigures.MissCauses.NotConfirmed,
        };
        var kinds = cohort.Select((c, i) => (c, i)).GroupBy(x => (x.c.Kind, x.c.LateWorsener)).Select(g =>
        {
            var alerted = g.Count(x => firstAlert.ContainsKey(courses[x.i]));
            var missed = g.Count(x => !firstAlert.ContainsKey(courses[x.i]) && FirstCrossing(courses[x.i], x.c) is not null);
            var delays = g.Where(x => firstAlert.ContainsKey(courses[x.i]) && FirstCrossing(courses[x.i], x.c) is not null)
                .Select(x => Math.Max(0, (firstAlert[courses[x.i]] - FirstCrossing(courses[x.i], x.c)!.Value).TotalDays)).ToList();
            if (!g.Key.LateWorsener) return new KindFigures(g.Key.Kind, false, g.Count(), alerted, 0, delays);
            var detectable = g.Where(x => Detectable(x.i)).ToList();
            var misses = g.Where(x => !firstAlert.ContainsKey(courses[x.i]))
                .GroupBy(x => Cause(x.i, FirstCrossing(courses[x.i], x.c) is not null)).ToDictionary(m => m.Key, m => m.Count());
            return new KindFigures(g.Key.Kind, true, g.Count(), alerted, missed, delays,
                detectable.Count, detectable.Count(x => firstAlert.ContainsKey(courses[x.i])), misses);
        }).ToList();
        return new SimulationFigures(kinds, confirming, answers, reminders);
    }

    private sealed class ReadingRow
    {
        public long CourseId { get; init; }
        public int OffsetDays { get; init; }
        public int Pain { get; init; }
        public DateTime ReceivedAt { get; init; }
    }

    private const string SentReminders = """
        SELECT count(*) FROM reminders r JOIN check_ins ci ON ci.id = r.check_in_id
        WHERE ci.course_id = ANY(@courses) AND r.kind = 'reminder' AND r.status = 'sent'
        """;

    private const string FirstPainAlerts = """
        SELECT course_id, min(at) FROM audit_log
        WHERE kind = 'alert_raised' AND detail->>'Kind' IN ('late_worsening', 'pain_rise') AND course_id = ANY(@courses)
        GROUP BY course_id
        """;

    private const string Readings = """
        SELECT ci.course_id, ci.offset_days, r.pain, r.received_at
        FROM replies r JOIN check_ins ci ON ci.id = r.check_in_id
        WHERE ci.course_id = ANY(@courses) AND r.pain IS NOT NULL
        ORDER BY ci.course_id, r.received_at
        """;
}
