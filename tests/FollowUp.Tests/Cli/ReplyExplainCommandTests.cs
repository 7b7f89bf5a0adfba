using FollowUp.Tests.Replies;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Cli;

public class ReplyExplainCommandTests
{
    [Fact]
    public async Task Reply_explain_shows_the_own_text_what_was_read_and_why_a_range_was_left_out()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var settings = Tool.AsEnvironment(Clinic.Settings(connectionString, TestServers.UniqueDomain("explain")));
        var answered = Path.Combine(Path.GetTempPath(), $"explain-{Guid.NewGuid():N}.eml");
        var ranged = Path.Combine(Path.GetTempPath(), $"explain-{Guid.NewGuid():N}.eml");
        await File.WriteAllBytesAsync(answered, Corpus.Fill(Corpus.Get("outlook-desktop-windows1252.eml"), Corpus.Offline));
        await File.WriteAllTextAsync(ranged, "From: dana@example.org\r\nSubject: Re: check-in\r\n\r\nPain 5 or 6, mood good\r\n\r\nOn Tue, 24 Nov 2026 at 09:30, Clinic <checkins@clinic.example> wrote:\r\n> Pain: a number from 0 to 10\r\n");

        var read = await Tool.RunAsync("followup-admin.dll", ["reply", "explain", answered], settings);
        var doubtful = await Tool.RunAsync("followup-admin.dll", ["reply", "explain", ranged], settings);
        var missing = await Tool.RunAsync("followup-admin.dll", ["reply", "explain", "/nonexistent/reply.eml"], settings);

        Assert.True(read.ExitCode == 0, read.Stderr);
        Assert.Contains("Classification: written by a person", read.Stdout, StringComparison.Ordinal);
        Assert.Contains("  | Pain 6 – mood low. The ache’s worse in the mornings.", read.Stdout, StringComparison.Ordinal);
        Assert.Contains("pain 6 from \"pain 6\"", read.Stdout, StringComparison.Ordinal);
        Assert.Contains("Status: complete", read.Stdout, StringComparison.Ordinal);
        Assert.True(doubtful.ExitCode == 0, doubtful.Stderr);
        Assert.DoesNotContain("Pain: a number", doubtful.Stdout, StringComparison.Ordinal);
        Assert.Contains("two numbers joined as a range or a choice (\"5 or 6\")", doubtful.Stdout, StringComparison.Ordinal);
        Assert.Contains("Status: partial", doubtful.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such file", missing.Stderr, StringComparison.Ordinal);
    }
}
