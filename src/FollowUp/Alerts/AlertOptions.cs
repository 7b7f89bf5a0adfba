using FollowUp.Mail;

namespace FollowUp.Alerts;

/// <summary>
/// Every threshold of the alert rules, the alert email and its follow-through (section <c>FollowUp:Alerts</c>). Each
/// default names its source; a clinic may change any of them.
/// </summary>
public sealed class AlertOptions
{
    public const string Section = "FollowUp:Alerts";

    /// <summary>How often each worker looks for alert emails to send, escalations and digests due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Minimal clinically important change on the 0-10 pain NRS: 2 points (Farrar 2001; Ostelo 2008).</summary>
    public int ImportantChange { get; set; } = 2;

    /// <summary>... and at least 30% of the baseline for an improvement to count (Farrar 2001; Ostelo 2008).</summary>
    public double ImportantFraction { get; set; } = 0.30;

    /// <summary>The first check-in this many days after the course stands in for a missing end score (design brief, "Clinical defaults").</summary>
    public int CourseEndWindowDays { get; set; } = 7;

    /// <summary>Late worsening: F − E at least this much; the same MCID of 2 points (Farrar 2001; Ostelo 2008).</summary>
    public int WorseningRise { get; set; } = 2;

    /// <summary>High severity when F ≥ B − this margin: back near baseline, the pattern of Hasson et al. 2004.</summary>
    public int NearBaselineMargin { get; set; } = 1;

    /// <summary>A patient who did not improve: a rise of this much above B is a lower-priority alert (design brief; MCID).</summary>
    public int NonImproverRise { get; set; } = 2;

    /// <summary>PHQ-2 total at which depression is likely: 3 (Kroenke 2003: sensitivity 83%, specificity 92%).</summary>
    public int Phq2Cutoff { get; set; } = 3;

    /// <summary>
    /// Wait for a second follow-up that confirms a normal-severity late worsening before alerting: a single NRS reading
    /// varies by about ±1-2 points from week to week (Farrar 2001's MCID exists because of that noise). High-severity
    /// findings never wait. Off by default: a missed worsener costs more than one extra email (issue 6).
    /// </summary>
    public bool RequireConfirmation { get; set; }

    /// <summary>
    /// Thresholds that know the starting score. The minimal important change of the pain NRS grows with the score it
    /// starts from: 1 point from 1-4, 2 from 5-7 and 3-4 from 8-10, in 1,232 patients with specific back pain
    /// (doi:10.1055/a-1304-3677, anchor- and ROC-based, both methods agree); the same direction in Salaffi et al. 2004
    /// (Eur J Pain 8:283-291, chronic musculoskeletal pain). No change smaller than the minimal detectable change is
    /// believed, though: 1.77 points in that study, 2 points in Childs et al. 2005 (Spine 30:1331-1334, low back pain,
    /// SEM 1.02). So the rise a follow-up needs is max(MDC rounded up, MIC at the starting score): 2, 2, 3 for starting
    /// scores 1-4, 5-7, 8-10 (the course end for a late worsening, the baseline for a pain rise). Off: the plain
    /// <see cref="WorseningRise"/> and <see cref="NonImproverRise"/>.
    /// </summary>
    public bool BaselineAwareThresholds { get; set; } = true;

    /// <summary>The minimal detectable change of the 0-10 pain NRS in back pain (see <see cref="BaselineAwareThresholds"/>).</summary>
    public double MinimalDetectableChange { get; set; } = 1.8;

    /// <summary>
    /// The minimal important change by starting score 0-10, one value per score (see <see cref="BaselineAwareThresholds"/>);
    /// empty: <see cref="DefaultImportantChangeFromScore"/>. Empty rather than the defaults, because the configuration
    /// binder adds configured entries to a list it finds filled: a clinic's 11 values would make 22.
    /// </summary>
    public List<int> ImportantChangeFromScore { get; set; } = [];

    /// <summary>1 from 0-4, 2 from 5-7, 3 from 8-10 (docs/alerts.md).</summary>
    public static IReadOnlyList<int> DefaultImportantChangeFromScore { get; } = [1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3];

    /// <summary>The list in force: the clinic's, or the defaults.</summary>
    internal IReadOnlyList<int> ImportantChanges => ImportantChangeFromScore.Count == 0 ? DefaultImportantChangeFromScore : ImportantChangeFromScore;

    /// <summary>
    /// "Back near baseline" is high severity (alerted at once, never waiting for a confirmation) only when the rise is
    /// also this much beyond the rise threshold (4 points above the end by default): for a 3-point improver, baseline
    /// − 1 is only 2 above the course end, where a single noisy reading lands often (test-retest SEM about 1 point,
    /// Childs 2005). Chosen on the honest cohort simulation, seed 16 (docs/alerts.md); a smaller near-baseline
    /// worsening still alerts, after its confirming check-in.
    /// </summary>
    public int HighBeyondRise { get; set; } = 2;

    /// <summary>
    /// The confirming check-in: a normal-severity late worsening or pain rise is not alerted on its first reading; a
    /// short pain-only check-in goes <see cref="ConfirmAfterDays"/> later (inside the send window) and the alert goes
    /// when it confirms. An unanswered confirming check-in never swallows the alert: after
    /// <see cref="ConfirmOpenDays"/> the alert goes, saying it is unconfirmed. A single NRS reading is near the noise
    /// (MDC 1.8-2 points; see <see cref="BaselineAwareThresholds"/>), and waiting for the next scheduled check-in costs up to four weeks.
    /// </summary>
    public bool ConfirmingCheckIn { get; set; } = true;

    /// <summary>Days after the crossing answer that the confirming check-in is due (then moved into the send window).</summary>
    public int ConfirmAfterDays { get; set; } = 3;

    /// <summary>
    /// Days the confirming check-in stays open; unanswered by then, the alert goes unconfirmed. It covers its reminder
    /// (<see cref="ConfirmRemindAfterDays"/>) and the day or two a patient takes to answer that.
    /// </summary>
    public int ConfirmOpenDays { get; set; } = 4;

    /// <summary>
    /// Days after the confirming check-in went out that its one reminder goes (inside the send window, before it
    /// expires); 0: none. A patient who missed one email often answers the next, and an unanswered confirmation is an
    /// alert sent on one noisy reading.
    /// </summary>
    public int ConfirmRemindAfterDays { get; set; } = 2;

    /// <summary>PHQ-2 total shown in the digest as "watch" without an alert (Arroll 2010: at 2 sensitivity 86%, specificity 78%).</summary>
    public int Phq2Watch { get; set; } = 2;

    /// <summary>The rise above the course-end score that counts as late worsening.</summary>
    internal int RiseThreshold(int courseEnd) => BaselineAwareThresholds ? Math.Max(WorseningRise, FromScore(courseEnd)) : WorseningRise;

    /// <summary>The rise above baseline that counts as a pain rise for a patient who did not improve.</summary>
    internal int NonImproverThreshold(int baseline) => BaselineAwareThresholds ? Math.Max(NonImproverRise, FromScore(baseline)) : NonImproverRise;

    private int FromScore(int score) =>
        Math.Max((int)Math.Ceiling(MinimalDetectableChange), ImportantChanges[Math.Clamp(score, 0, ImportantChanges.Count - 1)]);

    /// <summary>An open alert not acknowledged within this many working days (Mon-Fri) goes to the clinic lead, once (issue 6).</summary>
    public int EscalateAfterWorkingDays { get; set; } = 2;

    /// <summary>The clinic lead who receives escalations; no escalation is sent while it is empty.</summary>
    public string? LeadAddress { get; set; }

    /// <summary>Alert emails carry only a reference and the reason class; names and scores stay in the CLI (issue 6).</summary>
    public bool MinimalPhi { get; set; }

    /// <summary>
    /// What a patient whose reply mentions self-harm receives at once, one line each. The default is the universal
    /// emergency advice so that the patient is never met with silence; a clinic adds its own contacts.
    /// </summary>
    public List<string> CrisisContacts { get; set; } =
    [
        "If you are in danger now, call your local emergency number (999 in the UK, 112 in the EU, 911 in the US).",
        "UK: Samaritans, 116 123 (free, day and night) or jo@samaritans.org.",
    ];

    /// <summary>
    /// The clinic's own words and phrases that count as a mention of self-harm, added to the built-in multilingual
    /// list (<see cref="CrisisWords.BuiltIn"/>), which always applies; matched as whole words, case and punctuation aside.
    /// </summary>
    public List<string> SelfHarmPhrases { get; set; } = [];

    /// <summary>A sent check-in still unanswered after this long counts as missed (a reminder goes out within a week; design brief).</summary>
    public TimeSpan UnansweredAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Disengaged after this many missed check-ins in a row (issue 6: "no answer to two check-ins").</summary>
    public int DisengagedAfterMissed { get; set; } = 2;

    /// <summary>When the daily digest goes out, in the therapist's local time.</summary>
    public TimeOnly DigestAt { get; set; } = new(8, 0);

    /// <summary>Therapists without a time zone of their own get the digest in this one (IANA id).</summary>
    public string DefaultTimeZone { get; set; } = "Europe/London";

    internal IEnumerable<string> Validate()
    {
        const string s = Section;
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
            yield return $"{s}:PollInterval must be between 00:00:00.1 and 01:00:00 (was {PollInterval}).";
        if (ImportantChange is < 1 or > 10) yield return $"{s}:ImportantChange must be 1-10 (was {ImportantChange}).";
        if (ImportantFraction is < 0 or > 1) yield return $"{s}:ImportantFraction must be 0-1 (was {ImportantFraction}).";
        if (WorseningRise is < 1 or > 10) yield return $"{s}:WorseningRise must be 1-10 (was {WorseningRise}).";
        if (NonImproverRise is < 1 or > 10) yield return $"{s}:NonImproverRise must be 1-10 (was {NonImproverRise}).";
        if (NearBaselineMargin is < 0 or > 10) yield return $"{s}:NearBaselineMargin must be 0-10 (was {NearBaselineMargin}).";
        if (Phq2Cutoff is < 1 or > 6) yield return $"{s}:Phq2Cutoff must be 1-6 (was {Phq2Cutoff}).";
        if (CourseEndWindowDays is < 0 or > 60) yield return $"{s}:CourseEndWindowDays must be 0-60 (was {CourseEndWindowDays}).";
        if (EscalateAfterWorkingDays is < 1 or > 30) yield return $"{s}:EscalateAfterWorkingDays must be 1-30 (was {EscalateAfterWorkingDays}).";
        if (!string.IsNullOrWhiteSpace(LeadAddress) && !ClinicOptions.IsAddress(LeadAddress)) yield return $"{s}:LeadAddress must be an email address (was '{LeadAddress}').";
        if (CrisisContacts.Count == 0 || CrisisContacts.All(string.IsNullOrWhiteSpace))
            yield return $"{s}:CrisisContacts must hold at least one line: a patient who mentions self-harm must never meet silence.";
        for (var i = 0; i < SelfHarmPhrases.Count; i++)
            if (CrisisWords.Normalize(SelfHarmPhrases[i] ?? "").Length < 3)
                yield return $"{s}:SelfHarmPhrases:{i} must hold a word of at least 3 letters (was '{SelfHarmPhrases[i]}').";
        if (UnansweredAfter <= TimeSpan.Zero) yield return $"{s}:UnansweredAfter must be positive.";
        if (ImportantChangeFromScore.Count is not (0 or 11) || ImportantChangeFromScore.Any(c => c is < 1 or > 10))
            yield return $"{s}:ImportantChangeFromScore must hold 11 values (scores 0-10), each 1-10, or none for the defaults (was {ImportantChangeFromScore.Count} values: {string.Join(',', ImportantChangeFromScore)}).";
        if (MinimalDetectableChange is < 0 or > 10) yield return $"{s}:MinimalDetectableChange must be 0-10 (was {MinimalDetectableChange}).";
        if (HighBeyondRise is < 0 or > 10) yield return $"{s}:HighBeyondRise must be 0-10 (was {HighBeyondRise}).";
        if (ConfirmAfterDays is < 1 or > 14) yield return $"{s}:ConfirmAfterDays must be 1-14 (was {ConfirmAfterDays}).";
        if (ConfirmOpenDays is < 1 or > 14) yield return $"{s}:ConfirmOpenDays must be 1-14 (was {ConfirmOpenDays}).";
        if (ConfirmRemindAfterDays < 0 || ConfirmRemindAfterDays >= ConfirmOpenDays)
            yield return $"{s}:ConfirmRemindAfterDays must be 0 (no reminder) or less than ConfirmOpenDays ({ConfirmOpenDays}), or the reminder would never go (was {ConfirmRemindAfterDays}).";
        if (Phq2Watch is < 1 or > 6) yield return $"{s}:Phq2Watch must be 1-6 (was {Phq2Watch}).";
        if (DisengagedAfterMissed is < 1 or > 10) yield return $"{s}:DisengagedAfterMissed must be 1-10 (was {DisengagedAfterMissed}).";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _)) yield return $"{s}:DefaultTimeZone is not a known IANA zone (was '{DefaultTimeZone}').";
    }
}
