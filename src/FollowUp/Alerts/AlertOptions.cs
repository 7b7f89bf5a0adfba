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
        if (DisengagedAfterMissed is < 1 or > 10) yield return $"{s}:DisengagedAfterMissed must be 1-10 (was {DisengagedAfterMissed}).";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _)) yield return $"{s}:DefaultTimeZone is not a known IANA zone (was '{DefaultTimeZone}').";
    }
}
