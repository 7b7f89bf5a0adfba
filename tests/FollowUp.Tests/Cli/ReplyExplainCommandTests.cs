using System.Text.Json;
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

    [Fact]
    public async Task Reply_explain_json_gives_each_item_read_and_the_reasons_for_what_was_left_out()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var settings = Tool.AsEnvironment(Clinic.Settings(connectionString, TestServers.UniqueDomain("explainjson")));
        var answered = Path.Combine(Path.GetTempPath(), $"explain-{Guid.NewGuid():N}.eml");
        var ranged = Path.Combine(Path.GetTempPath(), $"explain-{Guid.NewGuid():N}.eml");
        await File.WriteAllTextAsync(answered, "From: dana@example.org\r\nSubject: Re: check-in\r\n\r\nPain 4, mood good, interest 1, down 0\r\n\r\nOn Tue, 24 Nov 2026 at 09:30, Clinic <checkins@clinic.example> wrote:\r\n> Pain: a number from 0 to 10\r\n");
        await File.WriteAllTextAsync(ranged, "From: dana@example.org\r\nSubject: Re: check-in\r\n\r\nPain 5 or 6\r\n");

        var read = await Tool.RunAsync("followup-admin.dll", ["reply", "explain", answered, "--json"], settings);
        var doubtful = await Tool.RunAsync("followup-admin.dll", ["reply", "explain", ranged, "--json"], settings);

        Assert.True(read.ExitCode == 0, read.Stderr);
        var json = JsonDocument.Parse(read.Stdout).RootElement;
        Assert.Equal("person", json.GetProperty("classification").GetString());
        Assert.Equal("Pain 4, mood good, interest 1, down 0", json.GetProperty("own_text").GetString());
        Assert.Equal("complete", json.GetProperty("status").GetString());
        Assert.Equal(4, json.GetProperty("pain").GetInt32());
        Assert.Equal("good", json.GetProperty("mood_word").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("mood_score").ValueKind);
        Assert.Equal((1, 0), (json.GetProperty("phq2_a").GetInt32(), json.GetProperty("phq2_b").GetInt32()));
        Assert.False(json.GetProperty("stop").GetBoolean());
        Assert.Empty(json.GetProperty("self_harm").EnumerateArray());
        Assert.False(json.GetProperty("clarification_due").GetBoolean());
        Assert.True(doubtful.ExitCode == 0, doubtful.Stderr);
        var unclear = JsonDocument.Parse(doubtful.Stdout).RootElement;
        Assert.Equal(JsonValueKind.Null, unclear.GetProperty("pain").ValueKind);
        Assert.Contains(unclear.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("\"5 or 6\"", StringComparison.Ordinal));
        Assert.True(unclear.GetProperty("clarification_due").GetBoolean());
        Assert.Contains(unclear.GetProperty("unread").EnumerateArray(), u => u.GetString() == "pain");
    }
}
