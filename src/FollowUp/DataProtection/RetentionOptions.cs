namespace FollowUp.DataProtection;

/// <summary>
/// How long each kind of data is kept (section <c>FollowUp:Retention</c>); the daily retention job removes what is older.
/// The defaults are a starting point, not advice: national rules differ and the clinic decides (docs/operations.md,
/// "Data protection").
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "FollowUp:Retention";

    /// <summary>
    /// The raw inbound messages: their headers, text, subject and sender in the database, and the messages in the
    /// mailbox folders the inbox moved them to. Once read, a message is only needed to look again at how it was read
    /// (<c>reply explain --inbound</c>) during the follow-up; 180 days covers a 12-week schedule with room to spare.
    /// </summary>
    public TimeSpan RawEmails { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// The patient's own words of each reply. The scores read from them stay (<see cref="Scores"/>); the words, the most
    /// sensitive part, are kept two years for the therapist's review and for questions about a reading.
    /// </summary>
    public TimeSpan ReplyText { get; set; } = TimeSpan.FromDays(730);

    /// <summary>
    /// The records of the reminders, clarifications and STOP confirmations sent (their subjects, Message-IDs and
    /// failures): two years, to answer "did you email me, and when".
    /// </summary>
    public TimeSpan SentEmails { get; set; } = TimeSpan.FromDays(730);

    /// <summary>
    /// The details of audit rows (before and after of each change); the rows themselves stay, append-only. Six years:
    /// HIPAA keeps its required documentation that long (45 CFR 164.316(b)(2)).
    /// </summary>
    public TimeSpan AuditDetails { get; set; } = TimeSpan.FromDays(6 * 365);

    /// <summary>
    /// A course's scores (pain, PHQ-2, mood, its alerts), counted from its last check-in or reply: ten years, the longest,
    /// as the part of the clinical record the follow-up adds (Germany keeps records ten years, BGB §630f; England eight
    /// for adults). Before they go, the course's outcome is copied to an archive that identifies nobody.
    /// </summary>
    public TimeSpan Scores { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>
    /// An uploaded CSV export after its courses were stored: a week, to look at its row report again, then the file (every
    /// patient's name and address in it) goes.
    /// </summary>
    public TimeSpan FinishedImports { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// An uploaded export never stored (checked and left, failed, or stalled when its node stopped), counted from its last
    /// progress: thirty days to store or restart it from the stored file.
    /// </summary>
    public TimeSpan UnfinishedImports { get; set; } = TimeSpan.FromDays(30);

    /// <summary>When the daily run starts, in the clinic's time zone (<c>FollowUp:Alerts:DefaultTimeZone</c>).</summary>
    public TimeOnly RunAt { get; set; } = new(3, 30);

    /// <summary>Longer than this is a mistake (a period in minutes typed as days, say), not a policy.</summary>
    internal static readonly TimeSpan Longest = TimeSpan.FromDays(100 * 365);

    internal IEnumerable<(string Kind, TimeSpan Period)> Periods() =>
        [("RawEmails", RawEmails), ("ReplyText", ReplyText), ("SentEmails", SentEmails), ("AuditDetails", AuditDetails), ("Scores", Scores),
         ("FinishedImports", FinishedImports), ("UnfinishedImports", UnfinishedImports)];

    internal IEnumerable<string> Validate()
    {
        const string s = Section;
        foreach (var (kind, period) in Periods())
            if (period < TimeSpan.FromDays(1) || period > Longest)
                yield return $"{s}:{kind} must be a period from 1 day to 100 years, e.g. 180.00:00:00 for 180 days (was {period}).";
        // A raw message holds the reply's words, and a course's scores hold its replies: keeping the part longer than the
        // whole would keep what the shorter period promised to remove.
        if (RawEmails > ReplyText) yield return $"{s}:RawEmails ({RawEmails.TotalDays:0} days) must not be longer than {s}:ReplyText ({ReplyText.TotalDays:0} days): a raw message holds the reply's words.";
        if (ReplyText > Scores) yield return $"{s}:ReplyText ({ReplyText.TotalDays:0} days) must not be longer than {s}:Scores ({Scores.TotalDays:0} days): the scores' removal deletes the replies.";
        if (AuditDetails > Scores) yield return $"{s}:AuditDetails ({AuditDetails.TotalDays:0} days) must not be longer than {s}:Scores ({Scores.TotalDays:0} days): an enrolment's audit row holds its pain scores.";
    }
}
