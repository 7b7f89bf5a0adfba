using System.CommandLine;

namespace FollowUp.Cli.Commands;

/// <summary><c>config check</c>: the worker's own start-up validation, run before a deploy or a restart.</summary>
internal static class ConfigCommands
{
    public static Command Build()
    {
        var check = new Command("check", """
            Validate every setting as the worker does at start (appsettings.json beside the tool, then FollowUp__… environment
            variables); print how each mail connection is secured and OK, or each problem naming its key (exit 1).
            Plain text to a mail server that is not loopback is a problem unless its AllowPlainText is set.
            Example: FollowUp__Clinic__TokenKeyFile=/etc/followup/token-key followup-admin config check
            """);
        check.SetAction(async (parsed, cancellationToken) =>
        {
            await using var services = CliContext.Services(parsed);
            var problems = FollowUpServices.SettingProblems(services);
            if (problems.Count == 0)
            {
                // With problems, they are the report (plain text to a remote host among them); once valid, how each
                // connection is secured.
                foreach (var line in FollowUpServices.ConnectionSecurity(services)) Console.WriteLine(line);
                foreach (var warning in FollowUpServices.SettingWarnings(services)) Console.WriteLine($"WARNING: {warning}");
                Console.WriteLine("OK: every setting is valid.");
                return 0;
            }
            foreach (var problem in problems) Console.WriteLine(problem);
            throw new UserError($"{problems.Count} setting problem(s); the worker would not start");
        });
        return new Command("config", "The settings the worker and this tool read.") { check };
    }
}
