using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.Courses;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>suppression list|lift</c>: the addresses no email goes to, why and since when; lifting a refused or complained one.</summary>
internal static class SuppressionCommands
{
    public static Command Build() => new("suppression", "Addresses no email goes to: refused by a mail server, reported as spam (a complaint), or STOP.") { List(), Lift() };

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("list", """
            List the suppressed addresses with why (refused, complaint, STOP), since when and the next check-in lifting would let go.
            Example: followup-admin suppression list --json
            """) { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var rows = await services.GetRequiredService<Suppressions>().ListAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
                return 0;
            }
            Console.WriteLine($"{"PATIENT",8}  {"EMAIL",-32} {"SINCE",-17} {"LIFT",-4} WHY");
            foreach (var r in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.PatientId,8}  {r.Email,-32} {r.Since:yyyy-MM-dd HH:mm} {(r.Liftable ? "yes" : "no"),-4} {r.Why}{(r.UndeliverableReason is { } reason && r.OptedOutAt is null ? $" ({reason})" : "")}"));
            if (rows.Count == 0) Console.WriteLine("No address is suppressed.");
            return 0;
        });
        return command;
    }

    private static Command Lift()
    {
        var patient = new Argument<long>("patient") { Description = "The patient's id (see 'suppression list')" };
        var command = new Command("lift", """
            Let email go to a patient's address again after a refusal or a complaint (audited); a STOP is never lifted.
            Example: followup-admin suppression lift 42 --actor admin@clinic.example
            """) { patient, CliContext.Actor };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var lifted = await services.GetRequiredService<Suppressions>().LiftAsync(parsed.GetValue(patient), CliContext.ActorOf(parsed), cancellationToken);
            Console.WriteLine(lifted.NextCheckInAt is { } next
                ? string.Create(CultureInfo.InvariantCulture, $"Emails to patient {lifted.PatientId} go out again: the next check-in is due {next:yyyy-MM-dd HH:mm} UTC.")
                : $"Emails to patient {lifted.PatientId} go out again; no check-in of theirs is planned now.");
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
