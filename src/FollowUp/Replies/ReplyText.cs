using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Text;

namespace FollowUp.Replies;

/// <summary>
/// What the patient wrote, without the quoted check-in, attribution lines or signatures their mail client added.
/// Pure. The ideas (not the code) of github/email_reply_parser and mailgun/talon.
/// </summary>
internal static partial class ReplyText
{
    // .NET has only UTF-*, ASCII and Latin-1 built in; Outlook writes windows-1252 (its "–" and "’" would be lost),
    // older clients ISO-8859-15, KOI8-R, Shift_JIS... MimeKit finds them through Encoding.GetEncoding once registered.
    static ReplyText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Makes sure the code-page encodings are registered before MimeKit decodes anything.</summary>
    public static void EnsureCharsets() { }

    /// <summary>The message's own text: the plain part, else text taken from the HTML part with quoted blocks dropped.</summary>
    public static string BodyOf(MimeMessage message)
    {
        // The first inline text/plain part, read as it is: MimeKit's own format=flowed conversion also joins the
        // "-- " signature separator to the next line (RFC 3676 §4.3 says it must not), so we unflow it ourselves.
        var part = message.BodyParts.OfType<TextPart>().FirstOrDefault(p => p.IsPlain && !p.IsAttachment);
        var plain = part is null ? null
            : string.Equals(part.ContentType.Parameters["format"], "flowed", StringComparison.OrdinalIgnoreCase) ? Unflow(part.Text) : part.Text;
        if (!string.IsNullOrWhiteSpace(plain)) return plain;
        var html = message.HtmlBody;
        return string.IsNullOrWhiteSpace(html) ? "" : HtmlToText(html);
    }

    /// <summary>RFC 3676 format=flowed: a line ending in a space continues on the next; "-- " and quoted lines stay as they are.</summary>
    internal static string Unflow(string text)
    {
        var result = new StringBuilder();
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            result.Append(line);
            if (!(line.EndsWith(' ') && line != "-- " && !line.StartsWith('>'))) result.Append('\n');
        }
        return result.ToString();
    }

    /// <summary>The new text of a reply, top- or bottom-posted.</summary>
    public static string StripQuoted(string body)
    {
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var kept = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            // Everything below these markers is history or signature, never the answer.
            if (OriginalMessage().IsMatch(line) || line == "--" || line == "-- " || SentFrom().IsMatch(line)) break;
            if (OutlookHeader().IsMatch(line) && FollowedByHeader(lines, i)) break;
            // Outlook on the web and Outlook for phones put a rule of underscores above the "From:" block.
            if (Rule().IsMatch(line) && i + 1 < lines.Length && OutlookHeader().IsMatch(lines[i + 1].Trim()) && FollowedByHeader(lines, i + 1)) break;
            if (line.StartsWith('>')) continue;
            if (Attribution().IsMatch(line)) continue;
            // "On Tue, 24 Nov 2026 at 09:30, Clinic <" + "x@y> wrote:" on the next line (Gmail wraps long ones; German,
            // French and Spanish Gmail likewise: "Am … schrieb … <" + "x@y>:").
            if (AttributionStart().IsMatch(line) && i + 1 < lines.Length && Attribution().IsMatch(line + " " + lines[i + 1].Trim()))
            {
                i++;
                continue;
            }
            kept.Add(line);
        }
        return string.Join('\n', kept).Trim();
    }

    private static bool FollowedByHeader(string[] lines, int i) =>
        Enumerable.Range(i + 1, 4).Any(j => j < lines.Length && OutlookNextHeader().IsMatch(lines[j].Trim()));

    /// <summary>Visible text of an HTML body, skipping head, style, script and quoted history.</summary>
    internal static string HtmlToText(string html)
    {
        var text = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        int skipDepth = 0;
        var skipStack = new Stack<HtmlTagId>();
        while (tokenizer.ReadNextToken(out var token))
        {
            // Outlook (desktop and web) puts the history after a divider, not inside it: nothing below is the reply.
            if (token is HtmlTagToken { IsEndTag: false } divider && IsOutlookDivider(divider)) break;
            switch (token)
            {
                case HtmlTagToken tag when !tag.IsEndTag && !tag.IsEmptyElement && IsSkipped(tag):
                    skipStack.Push(tag.Id);
                    skipDepth++;
                    break;
                case HtmlTagToken tag when tag.IsEndTag && skipDepth > 0 && skipStack.Peek() == tag.Id:
                    skipStack.Pop();
                    skipDepth--;
                    break;
                case HtmlTagToken tag when skipDepth == 0 && (tag.Id == HtmlTagId.Br || (IsLineBreak(tag.Id) && text.Length > 0 && text[^1] != '\n')):
                    text.Append('\n');
                    break;
                case HtmlDataToken data when skipDepth == 0:
                    text.Append(Whitespace().Replace(data.Data, " "));
                    break;
            }
        }
        return string.Join('\n', text.ToString().Split('\n').Select(l => l.Trim())).Trim();
    }

    private static bool IsSkipped(HtmlTagToken tag) =>
        tag.Id is HtmlTagId.Head or HtmlTagId.Style or HtmlTagId.Script or HtmlTagId.Title or HtmlTagId.BlockQuote
        || tag.Attributes.Any(a => a.Id == HtmlAttributeId.Class && a.Value is { } v
            && (v.Contains("gmail_quote", StringComparison.OrdinalIgnoreCase) || v.Contains("moz-cite-prefix", StringComparison.OrdinalIgnoreCase)))
        || tag.Attributes.Any(a => a.Id == HtmlAttributeId.Id && a.Value is { } v
            && (v.Equals("divRplyFwdMsg", StringComparison.OrdinalIgnoreCase) || v.Equals("appendonsend", StringComparison.OrdinalIgnoreCase)));

    private static bool IsOutlookDivider(HtmlTagToken tag) =>
        tag.Attributes.Any(a => a.Id == HtmlAttributeId.Id && a.Value is { } v
            && (v.Equals("divRplyFwdMsg", StringComparison.OrdinalIgnoreCase) || v.Equals("appendonsend", StringComparison.OrdinalIgnoreCase)
                || v.Equals("stopSpelling", StringComparison.OrdinalIgnoreCase) || v.Equals("mail-editor-reference-message-container", StringComparison.OrdinalIgnoreCase)))
        // Outlook desktop: <div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"> (#B5C4DF before 2013).
        || (tag.Id == HtmlTagId.Div && tag.Attributes.Any(a => a.Id == HtmlAttributeId.Style && a.Value is { } style
            && OutlookBorder().IsMatch(style)));

    private static bool IsLineBreak(HtmlTagId id) =>
        id is HtmlTagId.Br or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3;

    [GeneratedRegex(@"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)\s*-{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();

    [GeneratedRegex(@"^(Sent from my |Sent from Yahoo|Sent from Mail for Windows|Sent from Outlook|Get Outlook for |Sent with Proton|Von meinem .* gesendet|Gesendet von |Envoyé de mon |Envoyé depuis |Enviado desde (mi|Outlook))", RegexOptions.IgnoreCase)]
    private static partial Regex SentFrom();

    [GeneratedRegex(@"^\*?(From|Von|De|Van)\s*:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookHeader();

    [GeneratedRegex(@"^\*?(Sent|Date|To|Gesendet|Datum|An|Envoyé|À|Enviado|Fecha|Para)\s*:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookNextHeader();

    [GeneratedRegex(@"^_{10,}\s*$")]
    private static partial Regex Rule();

    [GeneratedRegex(@"^(On|Am|Le|El)\s", RegexOptions.IgnoreCase)]
    private static partial Regex AttributionStart();

    [GeneratedRegex(@"^(On\s.+wrote:|Am\s.+schrieb.*:|Le\s.+a\s+écrit\s?:|El\s.+escribió:)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Attribution();

    [GeneratedRegex(@"border-top\s*:\s*solid\s+#(E1E1E1|B5C4DF)", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookBorder();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
