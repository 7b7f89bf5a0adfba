using Dapper;
using FollowUp.Alerts;
using FollowUp.Mail;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace FollowUp.Replies;

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

    /// <summary>A message as delivered (an .eml file): classified as the inbox classifies it.</summary>
    public IReadOnlyList<string> Explain(MimeMessage message)
    {
        var classified = InboundClassifier.Classify(message, clinic.Value, inbox.Value, CrisisWords.For(alerts.Value.SelfHarmPhrases));
        var kind = classified.Kind switch
        {
            InboundKind.DeliveryReport => $"delivery report ({classified.Detail})",
            InboundKind.Refused => $"refused, kept aside ({classified.Detail})",
            InboundKind.AutomaticReply => $"automatic reply, never read as an answer ({classified.Detail})",
            _ => "written by a person",
        };
        return classified.Kind == InboundKind.Personal ? Lines(kind, classified.OwnText, classified.Answer!) : [$"Classification: {kind}"];
    }

    /// <summary>A stored message (inbound_messages.id), read again from its stored body as the inbox would read it today.</summary>
    public async Task<IReadOnlyList<string>?> ExplainStoredAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Outcome, string? Detail, string? Subject, string? Body)>(new CommandDefinition(
            "SELECT outcome, detail, subject, body_text FROM inbound_messages WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        if (row.Outcome is null) return null;
        var ownText = ReplyText.StripQuoted(row.Body ?? "");
        var answer = Answer.Parse(ownText, row.Subject, CrisisWords.For(alerts.Value.SelfHarmPhrases));
        return [$"Stored as: {row.Outcome} ({row.Detail})", .. Lines("written by a person (as stored)", ownText, answer)];
    }

    private static List<string> Lines(string kind, string ownText, Answer answer)
    {
        var lines = new List<string> { $"Classification: {kind}", "Patient's own text (quoted history, attribution and signature cut):" };
        lines.AddRange(ownText.Length == 0 ? ["  (nothing)"] : ownText.Split('\n').Select(l => "  | " + l));
        if (answer.OptOut)
        {
            lines.Add("Read: a request to stop (opt-out)");
            return lines;
        }
        lines.Add($"Status: {AnswerNames.Of(answer.Status)}");
        lines.Add("Read:");
        lines.AddRange(answer.Readings.Count == 0 ? ["  nothing"] : answer.Readings.Select(r => "  " + r));
        if (answer.Doubts.Count > 0)
        {
            lines.Add("Left out, and why:");
            lines.AddRange(answer.Doubts.Select(d => "  " + d));
        }
        if (answer.Crisis) lines.Add($"Self-harm wording: {string.Join(", ", answer.CrisisTerms)} (the therapist is alerted whatever the numbers)");
        if (answer.Status == AnswerStatus.Unclear && !answer.Crisis) lines.Add("A clarification email is due (once per check-in).");
        return lines;
    }
}
