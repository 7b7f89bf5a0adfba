using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.Courses;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>therapist add|list</c>: the clinic's therapists, known before an import names them.</summary>
internal static class TherapistCommands
{
    public static Command Build() => new("therapist", "The clinic's therapists (they receive the alerts about their courses).") { Add(), List() };

    private static Command Add()
    {
        var email = new Option<string>("--email") { Description = "The therapist's email address (alerts go there; an import may name them by it)", Required = true };
        var name = new Option<string?>("--name") { Description = "The therapist's name (an import may name them by it)" };
        var command = new Command("add", """
            Add a therapist, or set the name of one already known by that address.
            Example: followup-admin therapist add --email sam@clinic.example --name "Sam Jones"
            """) { email, name, CliContext.Actor };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (!Mail.ClinicOptions.IsAddress(parsed.GetValue(email)!.Trim())) throw new UserError($"--email: '{parsed.GetValue(email)}' is not an email address");
            if (parsed.GetValue(name) is { } n && (n.Length > 200 || n.Any(char.IsControl))) throw new UserError("--name: too long or has control characters");
            await using var services = CliContext.Services(parsed);
            var (id, added) = await services.GetRequiredService<Therapists>().AddAsync(parsed.GetValue(email)!, parsed.GetValue(name), CliContext.ActorOf(parsed), cancellationToken);
            Console.WriteLine(added ? $"Added therapist {id}." : $"Therapist {id} was already known; name updated.");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("list", """
            List the therapists with their number of active courses.
            Example: followup-admin therapist list --json
            """) { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var rows = await services.GetRequiredService<Therapists>().ListAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
                return 0;
            }
            Console.WriteLine($"{"ID",6}  {"EMAIL",-32} {"NAME",-24} {"ACTIVE",6}");
            foreach (var r in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Id,6}  {r.Email,-32} {r.Name ?? "",-24} {r.ActiveCourses,6}"));
            if (rows.Count == 0) Console.WriteLine("No therapists yet: add one with 'followup-admin therapist add'.");
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
