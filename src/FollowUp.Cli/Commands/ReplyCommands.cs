using System.CommandLine;
using System.Text.Json;
using FollowUp.Replies;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FollowUp.Cli.Commands;

/// <summary>
/// <c>reply explain</c>: how the inbox reads one message, and why anything was left out; <c>reply apply|dismiss</c>: the
/// therapist's decision on a reply kept for them.
/// </summary>
internal static class ReplyCommands
{
    public static Command Build() => new("reply", "See how the inbox reads patients' replies; apply or dismiss a reply kept for the therapist.")
    {
        Explain(),
        Decide("apply", """
            Apply a reply kept for the therapist (listed by course show: an unverified sender, or held) once it is confirmed
            with the patient: stored as the check-in's answer, assessed and alerted like a verified reply. Refused for a
            withdrawn course, and when the check-in already holds an answer received after it. Audited with --by.
            Example: followup-admin reply apply 1234 --by "sam@clinic.example"
            """, (kept, id, by, ct) => kept.ApplyAsync(id, by, ct)),
        Decide("dismiss", """
            Dismiss a reply kept for the therapist: nothing of it is applied; it stays on record. Audited with --by.
            Example: followup-admin reply dismiss 1234 --by "sam@clinic.example"
            """, (kept, id, by, ct) => kept.DismissAsync(id, by, ct)),
    };

    private static Command Decide(string name, string description, Func<KeptReplies, long, string, CancellationToken, Task<KeptReplyDecision>> decide)
    {
        var id = new Argument<long>("ID") { Description = "The kept reply's id (inbound message id, as course show lists it)" };
        var by = new Option<string>("--by") { Description = "Who decides (the therapist)", Required = true };
        var command = new Command(name, description) { id, by };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var who = parsed.GetValue(by)?.Trim() ?? "";
            if (who.Length == 0 || who.Length > 200 || who.Any(char.IsControl)) throw new UserError("--by must name who decides (1-200 characters, no control characters)");
            await using var services = CliContext.Services(parsed);
            var done = await decide(services.GetRequiredService<KeptReplies>(), parsed.GetValue(id), who, cancellationToken);
            if (!done.Done) throw new UserError(done.Message);
            Console.WriteLine(done.Message);
            return 0;
        });
        return command;
    }

    private static Command Explain()
    {
        var file = new Argument<FileInfo?>("file") { Description = "A message as delivered (.eml)", Arity = ArgumentArity.ZeroOrOne };
        var inbound = new Option<long?>("--inbound") { Description = "A stored message instead: its id in inbound_messages" };
        var json = new Option<bool>("--json")
        {
            Description = "Print JSON for scripts: classification, own_text, status, pain, mood_score, mood_word, phq2_a, phq2_b, stop, self_harm, read, reasons, unread, clarification_due",
        };
        var command = new Command("explain", """
            Show how the inbox reads a reply: its classification, the patient's own text once quoted history is cut, what
            was read (pain, mood, PHQ-2, STOP, self-harm wording) and why anything was left out.
            Example: followup-admin reply explain reply.eml    or    followup-admin reply explain --inbound 42 --json
            """) { file, inbound, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var explanation = services.GetRequiredService<ReplyExplanation>();
            ReplyReading reading;
            if (parsed.GetValue(inbound) is { } id)
                reading = await explanation.ExplainStoredAsync(id, cancellationToken) ?? throw new UserError($"inbound message {id} does not exist");
            else if (parsed.GetValue(file) is { } eml)
            {
                if (!eml.Exists) throw new UserError($"{eml.FullName}: no such file");
                MimeMessage message;
                try
                {
                    message = await ReplyExplanation.LoadAsync(eml.FullName, cancellationToken);
                }
                catch (FormatException e)
                {
                    throw new UserError($"{eml.FullName}: not a mail message ({e.Message})");
                }
                reading = explanation.Explain(message);
            }
            else throw new UserError("give a FILE.eml or --inbound ID");
            if (parsed.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(reading, JsonOptions));
            else foreach (var line in reading.Lines()) Console.WriteLine(line);
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // The patient's words as written ("’", "ü"), not as \u escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
