using System.Text;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Cli;

/// <summary>
/// docs/cli-reference.md is the real --help of every command, one heading each, so the README's reference cannot drift
/// from the tool. After changing a command, regenerate it:
/// <c>FOLLOWUP_UPDATE_CLI_REFERENCE=1 dotnet test tests/FollowUp.Tests -c Release --no-build --filter CliReferenceTests</c>.
/// </summary>
public class CliReferenceTests
{
    [Fact]
    public async Task The_command_reference_is_the_real_help_of_every_command()
    {
        var markdown = new StringBuilder("""
            # followup-admin command reference

            Generated from the tool's own `--help` (one heading per command) and checked by
            `tests/FollowUp.Tests/Cli/CliReferenceTests.cs`, which fails when a command's help and this file differ. Regenerate:
            `FOLLOWUP_UPDATE_CLI_REFERENCE=1 dotnet test tests/FollowUp.Tests -c Release --no-build --filter CliReferenceTests`.

            Exit codes: 0 done; 1 a user error (one line on stderr; `--verbose` adds the stack trace); 2 bad arguments.

            """);
        await AppendAsync(markdown, []);

        var path = Path.Combine(RepositoryRoot(), "docs", "cli-reference.md");
        var expected = markdown.ToString().ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("FOLLOWUP_UPDATE_CLI_REFERENCE") == "1") await File.WriteAllTextAsync(path, expected);
        var actual = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        Assert.True(expected == actual, $"{path} differs from the tool's help; regenerate it (see this test's summary).");
    }

    private static async Task AppendAsync(StringBuilder markdown, string[] command)
    {
        var run = await Tool.RunAsync("followup-admin.dll", [.. command, "--help"]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var help = run.Stdout.ReplaceLineEndings("\n").TrimEnd();
        markdown.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n## {string.Join(' ', ["followup-admin", .. command])}\n\n```text\n{help}\n```\n");
        foreach (var sub in Subcommands(help)) await AppendAsync(markdown, [.. command, sub]);
    }

    /// <summary>The names listed under "Commands:" (first column, two spaces in; continuation lines are indented further).</summary>
    private static List<string> Subcommands(string help)
    {
        var section = help.Split("\nCommands:\n");
        if (section.Length < 2) return [];
        return section[1].Split('\n').TakeWhile(l => l.Length > 0)
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l[2] != ' ')
            .Select(l => l.Trim().Split(' ')[0]).ToList();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FollowUp.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("FollowUp.sln not found above " + AppContext.BaseDirectory);
    }
}
