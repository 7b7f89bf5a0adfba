using Dapper;
using FollowUp.Alerts;
using FollowUp.Mail;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.Replies;

/// <summary>
/// How the inbox read one message, as typed values for scripts (<c>reply explain --json</c>) and as lines for people.
/// Kind is delivery_report, refused, automatic_reply or person; the reading fields are set for a person's mail only.
/// </summary>
public sealed record ReplyReading
{
    public required string Classification { get; init; }
    public string? ClassificationDetail { get; init; }
    /// <summary>For a stored message: the outcome and detail the inbox stored then.</summary>
    public string? StoredAs { get; init; }
    /// <summary>The patient's own text once quoted history, attribution lines and signatures are cut.</summary>
    public string? OwnText { get; init; }
    /// <summary>complete, partial or unclear (replies.answer_status); null when not a person's mail or a STOP.</summary>
    public string? Status { get; init; }
    public int? Pain { get; init; }
    public int? MoodScore { get; init; }
    public string? MoodWord { get; init; }
    public int? Phq2A { get; init; }
    public int? Phq2B { get; init; }
    public bool Stop { get; init; }
    /// <summary>Self-harm wording found in the own text, as matched.</summary>
    public IReadOnlyList<string> SelfHarm { get; init; } = [];
    /// <summary>What was read and from which words ("pain 6 from \"about 6 today\"").</summary>
    public IReadOnlyList<string> Read { get; init; } = [];
    /// <summary>Why anything was left out.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];
    /// <summary>The questions left unread (pain, phq2_a, phq2_b) as check_ins.awaiting names them; the PHQ-2 items count only on a check-in that asks them.</summary>
    public IReadOnlyList<string> Unread { get; init; } = [];
    /// <summary>Whether the pain (asked every time) is unread and no self-harm wording came, so the check-in gets its one clarification.</summary>
    public bool ClarificationDue { get; init; }

    internal static ReplyReading Of(Classification classified) =>
        classified.Kind == InboundKind.Personal
            ? Of("person", null, classified.OwnText, classified.Answer!)
            : new ReplyReading { Classification = Name(classified.Kind), ClassificationDetail = classified.Detail };

    internal static ReplyReading Of(string kind, string? detail, string ownText, Answer answer) => new()
    {
        Classification = kind,
        ClassificationDetail = detail,
        OwnText = ownText,
        Status = answer.OptOut ? null : AnswerNames.Of(answer.Status),
        Pain = answer.Pain,
        MoodScore = answer.MoodScore,
        MoodWord = answer.MoodWord,
        Phq2A = answer.Phq2A,
        Phq2B = answer.Phq2B,
        Stop = answer.OptOut,
        SelfHarm = answer.CrisisTerms,
        Read = answer.Readings,
        Reasons = answer.Doubts,
        Unread = answer.OptOut ? [] : answer.Unread(asksPhq2: true),
        ClarificationDue = !answer.OptOut && answer.Pain is null && !answer.Crisis,
    };

    private static string Name(InboundKind kind) => kind switch
    {
        InboundKind.DeliveryReport => "delivery_report",
        InboundKind.Refused => "refused",
        InboundKind.AutomaticReply => "automatic_reply",
        InboundKind.Complaint => "complaint_report",
        _ => "person",
    };

    /// <summary>The reading as people read it: one fact a line.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>();
        if (StoredAs is not null) lines.Add($"Stored as: {StoredAs}");
        if (Classification != "person")
        {
            lines.Add("Classification: " + Classification switch
            {
                "delivery_report" => $"delivery report ({ClassificationDetail})",
                "refused" => $"refused, kept aside ({ClassificationDetail})",
                "complaint_report" => $"a mailbox provider's spam-complaint report ({ClassificationDetail}); the address is suppressed only when it quotes a check-in FollowUp sent to that patient",
                _ => $"automatic reply, never read as an answer ({ClassificationDetail})",
            });
            return lines;
        }
        lines.Add($"Classification: written by a person{(StoredAs is null ? "" : " (as stored)")}");
        lines.Add("Patient's own text (quoted history, attribution and signature cut):");
        lines.AddRange(string.IsNullOrEmpty(OwnText) ? ["  (nothing)"] : OwnText.Split('\n').Select(l => "  | " + l));
        if (Stop)
        {
            lines.Add("Read: a request to stop (opt-out)");
            return lines;
        }
        lines.Add($"Status: {Status}");
        lines.Add("Read:");
        lines.AddRange(Read.Count == 0 ? ["  nothing"] : Read.Select(r => "  " + r));
        if (Reasons.Count > 0)
        {
            lines.Add("Left out, and why:");
            lines.AddRange(Reasons.Select(d => "  " + d));
        }
        if (SelfHarm.Count > 0) lines.Add($"Self-harm wording: {string.Join(", ", SelfHarm)} (the therapist is alerted whatever the numbers)");
        if (ClarificationDue) lines.Add("A clarification email is due (once per check-in).");
        else if (Unread.Count > 0 && SelfHarm.Count == 0) lines.Add($"On a check-in that asks them, a clarification asks for: {string.Join(", ", Unread)}.");
        return lines;
    }
}

/// <summary>
/// How the inbox reads one message, step by step, for an admin who wonders why a reply was unclear: what kind of mail
/// it is, the patient's own text once quoted history is cut, what was read from it, and why anything was left out.
/// </summary>
public sealed class ReplyExplanation(IOptions<ClinicOptions> clinic, IOptions<InboxOptions> inbox, IOptions<AlertOptions> alerts, NpgsqlDataSource dataSource)
{
    /// <summary>A message file as delivered (.eml), read with the charsets the inbox knows.</summary>
    public static Task<MimeMessage> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ReplyText.EnsureCharsets();
        return MimeMessage.LoadAsync(path, cancellationToken);
    }

    /// <summary>A message as delivered (an .eml file): classified and read as the inbox classifies and reads it.</summary>
    public ReplyReading Explain(MimeMessage message) =>
        ReplyReading.Of(InboundClassifier.Classify(message, clinic.Value, inbox.Value, CrisisWords.For(alerts.Value.SelfHarmPhrases)));

    /// <summary>A stored message (inbound_messages.id), read again from its stored body as the inbox would read it today.</summary>
    public async Task<ReplyReading?> ExplainStoredAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Outcome, string? Detail, string? Subject, string? Body)>(new CommandDefinition(
            "SELECT outcome, detail, subject, body_text FROM inbound_messages WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        if (row.Outcome is null) return null;
        var ownText = ReplyText.StripQuoted(row.Body ?? "");
        var answer = Answer.Parse(ownText, row.Subject, CrisisWords.For(alerts.Value.SelfHarmPhrases));
        return ReplyReading.Of("person", null, ownText, answer) with { StoredAs = $"{row.Outcome} ({row.Detail})" };
    }
}
