using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FollowUp.Replies;

namespace FollowUp.Tests.Replies.Generated;

/// <summary>
/// Writes the client-by-language part of the corpus (Replies/Samples/*-gen-*.eml and samples.json entries) from the
/// client wrappers and the patients' phrasings, with the expectation taken from what the patient meant, never from
/// what FollowUp reads. Run by hand: FU_WRITE_CORPUS=/path/to/tests/FollowUp.Tests/Replies/Samples dotnet test --filter CorpusWriter.
/// The files are committed and reviewed like the hand-written ones.
/// </summary>
public class CorpusWriter
{
    private static readonly Dictionary<string, string> Describe = new()
    {
        ["gmail-web"] = "Gmail web: multipart/alternative, quoted-printable UTF-8, gmail_quote, attribution wrapped at 78",
        ["gmail-android"] = "Gmail for Android: multipart/alternative, quoted-printable, dir=\"auto\"",
        ["outlook-desktop"] = "Outlook desktop: windows-1252 quoted-printable, header block in the patient's language, border-top divider",
        ["outlook-web"] = "Outlook on the web: ISO-8859-1, \"____\" rule + header block, divRplyFwdMsg",
        ["outlook-mobile"] = "Outlook for iOS: base64 UTF-8, \"Get Outlook for iOS\" in the patient's language, rule + header block",
        ["apple-mail"] = "Apple Mail (macOS): quoted-printable, quoted attribution, blockquote type=cite",
        ["iphone"] = "iPhone Mail: text/plain quoted-printable, \"Sent from my iPhone\" in the patient's language",
        ["ipad"] = "iPad Mail: text/plain quoted-printable, \"Sent from my iPad\" in the patient's language",
        ["samsung"] = "Samsung Email: base64, \"Sent from my Galaxy\", \"-------- Original message --------\" in the patient's language",
        ["yahoo"] = "Yahoo Mail web: indented attribution and history without \">\"",
        ["proton"] = "Proton Mail: \"Sent with Proton Mail secure email.\", \"------- Original Message -------\" in the patient's language",
        ["gmx"] = "GMX: \"Gesendet:/Von:\" block (Sent first) in the patient's language, quote div",
        ["webde"] = "WEB.DE: as GMX, with the app's signature",
        ["orange"] = "Orange webmail: HTML only, 8bit UTF-8, \"> Message du\" block in a blockquote",
        ["thunderbird"] = "Thunderbird: format=flowed 8bit, attribution in the patient's language, top- or bottom-posted",
        ["mutt"] = "mutt: 8bit, \"On … wrote:\", top- or bottom-posted",
    };

    [Fact]
    public void Writes_the_generated_part_of_the_corpus_when_asked()
    {
        var folder = Environment.GetEnvironmentVariable("FU_WRITE_CORPUS");
        if (string.IsNullOrEmpty(folder)) return;
        ReplyText.EnsureCharsets();
        var random = new Random(14);
        var table = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "samples.json")))!.AsArray();
        foreach (var old in table.Where(e => e!["file"]!.GetValue<string>().Contains("-gen-", StringComparison.Ordinal)).ToList()) table.Remove(old);
        foreach (var file in Directory.GetFiles(folder, "*-gen-*.eml")) File.Delete(file);
        var n = 0;
        foreach (var client in MailClients.All)
            foreach (var language in Patients.Languages)
                for (var copy = 0; copy < (client is "gmail-web" or "outlook-desktop" or "iphone" or "thunderbird" or "mutt" or "yahoo" ? 2 : 1); copy++)
                {
                    var written = Patients.Write(random, language, asksPhq2: random.Next(4) == 0);
                    var inline = client is "gmail-web" or "thunderbird" or "mutt" && copy == 1;
                    var name = $"{client}-{language}-gen-{++n:000}.eml";
                    File.WriteAllBytes(Path.Combine(folder, name), Encoding.Latin1.GetBytes(MailClients.Reply(client, language, written.Text, random, inline).Replace("\n", "\r\n", StringComparison.Ordinal)));
                    var m = written.Meant;
                    var status = m.Pain is not null && (m.MoodScore is not null || m.MoodWord is not null) ? "complete"
                        : m.Pain is not null || m.MoodScore is not null || m.MoodWord is not null || m.Phq2A is not null ? "partial" : "unclear";
                    table.Add(new JsonObject
                    {
                        ["client"] = $"{Describe[client]} ({language}{(inline ? ", inline under the questions" : "")}; {written.Phrasing})",
                        ["outcome"] = "answer", ["status"] = status, ["pain"] = m.Pain, ["moodScore"] = m.MoodScore, ["moodWord"] = m.MoodWord,
                        ["phq2a"] = m.Phq2A, ["phq2b"] = m.Phq2B, ["clarification"] = status == "unclear", ["file"] = name,
                    });
                }
        foreach (var e in table) foreach (var key in e!.AsObject().Where(p => p.Value is null).Select(p => p.Key).ToList()) e.AsObject().Remove(key);
        File.WriteAllText(Path.Combine(folder, "samples.json"), table.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }
}
