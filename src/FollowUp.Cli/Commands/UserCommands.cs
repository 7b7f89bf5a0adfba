using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FollowUp.Users;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Cli.Commands;

/// <summary><c>user add|list|disable</c>: who may sign in to the web face, and with which role. Audited.</summary>
internal static class UserCommands
{
    public static Command Build() => new("user", "Who may sign in to the web face (therapist: their own patients; lead: every patient; admin: the configuration too).")
    {
        Add(), List(), Disable(),
    };

    private static Command Add()
    {
        var email = new Option<string>("--email") { Description = "The address the sign-in links go to", Required = true };
        var role = new Option<string>("--role") { Description = "therapist, lead or admin (a therapist's login is given to the therapist of the same address)", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var name = new Option<string?>("--name") { Description = "The user's name" };
        var command = new Command("add", """
            Let someone sign in, or change the role of someone who may (a disabled user is enabled again).
            Example: followup-admin user add --email sam@clinic.example --role therapist
            """) { email, role, name, CliContext.Actor };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var (user, added) = await services.GetRequiredService<UserDirectory>().AddAsync(parsed.GetValue(email)!, parsed.GetValue(role)!, parsed.GetValue(name),
                CliContext.ActorOf(parsed), cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(added ? "Added" : "Changed")} user {user.Id}: {user.Email}, {user.Role}."));
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts" };
        var command = new Command("list", """
            List who may sign in, with their role and whether they are disabled.
            Example: followup-admin user list
            """) { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var users = await services.GetRequiredService<UserDirectory>().ListAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(users, JsonOptions));
                return 0;
            }
            Console.WriteLine($"{"ID",6}  {"EMAIL",-32} {"ROLE",-10} {"NAME",-24} STATE");
            foreach (var u in users)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{u.Id,6}  {u.Email,-32} {u.Role,-10} {u.Name ?? "",-24} {(u.DisabledAt is null ? "active" : "disabled")}"));
            if (users.Count == 0) Console.WriteLine("Nobody may sign in yet: add someone with 'followup-admin user add'.");
            return 0;
        });
        return command;
    }

    private static Command Disable()
    {
        var email = new Option<string>("--email") { Description = "The user's address", Required = true };
        var command = new Command("disable", """
            Stop someone from signing in; a session they have open ends at their next click.
            Example: followup-admin user disable --email sam@clinic.example
            """) { email, CliContext.Actor };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var user = await services.GetRequiredService<UserDirectory>().DisableAsync(parsed.GetValue(email)!, CliContext.ActorOf(parsed), cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Disabled user {user.Id}: {user.Email}."));
            return 0;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
