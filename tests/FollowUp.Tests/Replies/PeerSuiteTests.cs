using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FollowUp.Replies;
using MimeKit;
using Xunit.Abstractions;

namespace FollowUp.Tests.Replies;

/// <summary>
/// FollowUp's body selection and quote stripping against three public suites written for the same job
/// (github/email_reply_parser, zapier/email-reply-parser, mailgun/talon), with their own expectations. Opt-in: the
/// cases come from their checkouts through scripts/peer-suites.py, named by FOLLOWUP_PEER_CASES; without it this
/// test does nothing. A case is arguable where the peer's expectation does not fit FollowUp's purpose (the patient's
/// own words only, never history, never a signature): those are listed below with the reason.
/// </summary>
public partial class PeerSuiteTests(ITestOutputHelper output)
{
    /// <summary>Where a peer keeps what FollowUp must drop, or drops what a patient wrote.</summary>
    private static readonly Dictionary<string, string> Arguable = new(StringComparer.Ordinal)
    {
        ["mailgun/talon: test_too_many_lines#1"] = "talon's own limit (MAX_LINES_COUNT patched to 1) decides, not the message",
        ["mailgun/talon: test_dont_parse_quotations_for_forwarded_messages#1"] = "talon keeps a forwarded message; FollowUp drops it: a forwarded check-in is history, not an answer",
        ["mailgun/talon: test_gmail_forwarded_msg#1"] = "talon keeps a forwarded message; FollowUp drops it: a forwarded check-in is history, not an answer",
        ["mailgun/talon: test_standard_replies#1"] = "talon keeps the \"-- \" signature (\"Sent with Sparrow\"); FollowUp drops signatures, whose numbers are not answers",
        ["mailgun/talon: test_standard_replies#9"] = "talon keeps \"Sent from my iPhone\"; FollowUp drops phone signatures",
        ["mailgun/talon: test_regular_blockquote#1"] = "talon keeps a blockquote with no attribution; in a reply to a check-in a blockquote is the client's quote of it (kept only when it is all there is)",
        ["mailgun/talon: test_gmail_quote_blockquote#1"] = "talon keeps a blockquote Gmail marked gmail_quote; FollowUp drops what Gmail marks as quoted history",
        ["mailgun/talon: test_readable_html_empty#1"] = "talon falls back to the whole message, quote included; FollowUp keeps only the reply (\"Reply\")",
        ["mailgun/talon: test_preprocess_postprocess_2_links#1"] = "talon returns nothing for a body of two links; FollowUp keeps what the sender wrote",
        ["mailgun/talon: test_reply_separated_by_hr#1"] = "talon drops \"Bob\", the reply's last line above the rule, with the quote; FollowUp keeps the sender's lines above the rule",
    };

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private sealed record Expect([property: System.Text.Json.Serialization.JsonPropertyName("equals")] string? Exactly, string[]? Contains, string[]? Lacks, string? EqualsIgnoringWhitespace);

    private sealed record Case(string Suite, string Id, string Kind, string Body, Expect Expect);

    [Fact]
    public void The_peer_suites_replies_keep_what_their_expectations_say_where_those_fit_FollowUps_purpose()
    {
        if (Environment.GetEnvironmentVariable("FOLLOWUP_PEER_CASES") is not { Length: > 0 } path) return;
        ReplyText.EnsureCharsets();
        var cases = JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(path), Json)!;
        var failed = new List<string>();
        var bySuite = new SortedDictionary<string, (int Passed, int Failed, int Arguable)>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            var own = OwnText(c);
            var problem = Problem(c.Expect, own);
            var score = bySuite.GetValueOrDefault(c.Suite);
            var key = $"{c.Suite}: {c.Id}";
            if (problem is null) score.Passed++;
            else if (Arguable.TryGetValue(key, out var why))
            {
                score.Arguable++;
                output.WriteLine($"arguable  {key}: {why}");
            }
            else
            {
                score.Failed++;
                failed.Add($"{key}: {problem}\n    kept: {own.Replace("\n", " | ", StringComparison.Ordinal)}");
            }
            bySuite[c.Suite] = score;
        }
        foreach (var (suite, s) in bySuite) output.WriteLine($"{suite,-28} passed {s.Passed,3}  failed {s.Failed,3}  arguable {s.Arguable,3}");
        output.WriteLine($"{"all",-28} passed {bySuite.Values.Sum(s => s.Passed),3}  failed {failed.Count,3}  arguable {bySuite.Values.Sum(s => s.Arguable),3}");
        foreach (var f in failed) output.WriteLine("failed    " + f);
        Assert.True(cases.Count > 0, $"{path} holds no cases");
        Assert.True(failed.Count == 0, $"{failed.Count} of {cases.Count} failed:\n" + string.Join('\n', failed));
    }

    /// <summary>A peer's body as FollowUp reads it: plain text stripped, HTML through the body selection first.</summary>
    private static string OwnText(Case c)
    {
        if (c.Kind != "html") return ReplyText.StripQuoted(c.Body.Replace("\r\n", "\n", StringComparison.Ordinal));
        var message = new MimeMessage();
        message.Body = new TextPart("html") { Text = c.Body };
        return ReplyText.StripQuoted(ReplyText.BodyOf(message));
    }

    private static string? Problem(Expect e, string own)
    {
        var kept = Collapse(own);
        if (e.Exactly is { } equals && kept != Collapse(equals)) return $"expected \"{Collapse(equals)}\"";
        foreach (var must in e.Contains ?? []) if (!kept.Contains(Collapse(must), StringComparison.Ordinal)) return $"lost \"{must}\"";
        foreach (var mustNot in e.Lacks ?? []) if (kept.Contains(Collapse(mustNot), StringComparison.Ordinal)) return $"kept \"{mustNot}\"";
        if (e.EqualsIgnoringWhitespace is { } expected)
        {
            var text = expected.Contains('<', StringComparison.Ordinal) ? WebUtility.HtmlDecode(Tag().Replace(expected, "")) : expected;
            if (Space().Replace(text, "") != Space().Replace(own, "")) return $"expected \"{Collapse(text)}\"";
        }
        return null;
    }

    private static string Collapse(string text) => Space().Replace(text, " ").Trim();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
