using System.CommandLine;
using FollowUp.Replies;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FollowUp.Cli.Commands;

/// <summary><c>reply explain</c>: how the inbox reads one message, and why anything was left out.</summary>
internal static class ReplyCommands
{
    public static Command Build() => new("reply", "See how the inbox reads patients' replies.") { Explain() };

    private static Command Explain()
    {
        var file = new Argument<FileInfo?>("file") { Description = "A message as delivered (.eml)", Arity = ArgumentArity.ZeroOrOne };
        var inbound = new Option<long?>("--inbound") { Description = "A stored message instead: its id in inbound_messages" };
        var command = new Command("explain", """
            Show how the inbox reads a reply: its classification, the patient's own text once quoted history is cut, what
            was read (pain, mood, PHQ-2, STOP, self-harm wording) and why anything was left out.
            Example: followup-admin reply explain reply.eml    or    followup-admin reply explain --inbound 42
            """) { file, inbound };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var explanation = services.GetRequiredService<ReplyExplanation>();
            IReadOnlyList<string> lines;
            if (parsed.GetValue(inbound) is { } id)
                lines = await explanation.ExplainStoredAsync(id, cancellationToken) ?? throw new UserError($"inbound message {id} does not exist");
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
                lines = explanation.Explain(message);
            }
            else throw new UserError("give a FILE.eml or --inbound ID");
            foreach (var line in lines) Console.WriteLine(line);
            return 0;
        });
        return command;
    }
}
