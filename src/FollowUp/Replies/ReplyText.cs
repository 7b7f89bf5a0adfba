using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Text;
using FollowUp.Languages;

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
        // Answers typed in colour inside Outlook's quoted check-in: only the HTML tells them from the quote.
        if (message.HtmlBody is { } coloured && ColouredAnswers.Of(coloured) is { } answers) return answers;
        var part = message.BodyParts.OfType<TextPart>().FirstOrDefault(p => p.IsPlain && !p.IsAttachment);
        var plain = part is null ? null
            : string.Equals(part.ContentType.Parameters["format"], "flowed", StringComparison.OrdinalIgnoreCase) ? Unflow(part.Text) : part.Text;
        if (!string.IsNullOrWhiteSpace(plain)) return plain;
        var html = message.HtmlBody;
        if (string.IsNullOrWhiteSpace(html)) return "";
        // Answers typed between the quoted questions (Gmail, Apple Mail, Thunderbird split the blockquote there): the
        // quote marked as "> " lines, so that each answer is read under its question as in a plain-text reply.
        if (InlineAnswers(html) is { } inline) return inline;
        var text = HtmlToText(html);
        if (text.Length > 0) return text;
        // Some clients put the whole reply in a blockquote (an indent, not a quote): then its text is all there is,
        // unless it holds the check-in's own questions: then it is the quoted check-in (answers typed inside it, maybe
        // coloured, cannot be told from its example line) and nothing in it is the reply.
        var indented = HtmlToText(html, keepQuotes: true);
        return indented.Split('\n').Any(AsksAQuestion) ? "" : indented;
    }

    /// <summary>The HTML as text with its quotes marked, when a line of the patient's stands right under a quoted question.</summary>
    private static string? InlineAnswers(string html)
    {
        if (html.IndexOf("blockquote", StringComparison.OrdinalIgnoreCase) < 0) return null;
        var lines = HtmlToText(html, markQuotes: true).Split('\n');
        string? previous = null;
        foreach (var line in lines.Where(l => l.Trim().Length > 0))
        {
            if (!line.StartsWith('>') && previous is not null && previous.StartsWith('>') && QuoteMarkers.AskedItem(previous.TrimStart('>', ' ')) is not null)
                return string.Join('\n', lines);
            previous = line;
        }
        return null;
    }

    /// <summary>A question of a check-in: it names an item and asks ("…?") or gives the scale ("from 0 to 10").</summary>
    private static bool AsksAQuestion(string line) =>
        QuoteMarkers.AskedItem(line) is not null && (line.TrimEnd().EndsWith('?') || ScaleOfTen().IsMatch(line));

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

    /// <summary>
    /// The new text of a reply, top- or bottom-posted or typed inline under the quoted questions. An answer typed
    /// right under a quoted question ("> Pain: a number from 0 to 10" then "5") is given that question's label
    /// ("Pain: 5"): it is the patient's answer to it, and read as such.
    /// </summary>
    public static string StripQuoted(string body)
    {
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var kept = new List<string>();
        string? askedJustAbove = null;
        var seenAttribution = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            var folded = Lexicon.Fold(line).Trim();
            // Everything below these markers is history or signature, never the answer.
            if (QuoteMarkers.Divider.IsMatch(folded) || line == "--" || line == "-- " || QuoteMarkers.IsSignature(folded)) break;
            if (QuoteMarkers.StartsHeaderBlock(lines, i)) break;
            // Outlook on the web and Outlook for phones put a rule of underscores (or dashes) above the "From:" block,
            // sometimes with blank lines between; a mailing list puts one above its footer.
            if (Rule().IsMatch(line) && (QuoteMarkers.StartsHeaderBlock(lines, NextContent(lines, i + 1)) || ListFooter().IsMatch(lines.ElementAtOrDefault(NextContent(lines, i + 1)) ?? ""))) break;
            // "-Abhishek Kona": a dash and a name alone, the shortest signature.
            if (DashName().IsMatch(line)) break;
            if (IsQuoted(line))
            {
                // "(0 = no pain, 10 = …)" carries on the question above; it asks nothing of its own.
                askedJustAbove = IsContinuation(line) && askedJustAbove is not null ? askedJustAbove : QuoteMarkers.AskedItem(line.TrimStart('>', ' '));
                continue;
            }
            // "(http://example.com/c/Yz) >" or "_nonce=3dd518)": a quoted line a long link broke, between quoted lines.
            if (seenAttribution && LinkFragment().IsMatch(line) && !QuoteMarkers.NamesAnItem(line) && PreviousContentIsQuoted(lines, i) && NextContentIsQuoted(lines, i + 1))
                continue;
            if (QuoteMarkers.Attribution(lines, i) is { } attribution)
            {
                seenAttribution = true;
                if (attribution.Before.Length > 0) kept.Add(attribution.Before);
                i = attribution.LastLine;
                // History without ">" after its attribution (Yahoo, some webmails): nothing below is the reply.
                if (!NextContentIsQuoted(lines, i + 1)) break;
                continue;
            }
            if (askedJustAbove is not null && line.Trim().Length > 0)
            {
                // "em baixo", "giù" under the mood question: a mood word that is also a PHQ-2 label is still the answer to it.
                kept.Add(QuoteMarkers.NamesAnItem(line) && !MoodPatterns.MoodWordMeaning.ContainsKey(Lexicon.Fold(line).Trim().TrimEnd('.', '!', ' '))
                    ? line : $"{askedJustAbove}: {line.Trim()}");
                askedJustAbove = null;
                continue;
            }
            kept.Add(line);
        }
        return string.Join('\n', WithoutClosingBlock(kept)).Trim();
    }

    /// <summary>
    /// A signature without "-- ": a closing ("Mit freundlichen Grüßen", "Kind regards") and a few short lines below it
    /// with numbers in them (address, phone) that answer nothing. Kept when a line below names an item or is a bare
    /// number, or when the closing is all there is above.
    /// </summary>
    private static List<string> WithoutClosingBlock(List<string> kept)
    {
        for (var i = 0; i < kept.Count; i++)
        {
            // Only a block with numbers in it (street, postcode, phone) can be read wrong; a closing with words alone stays.
            if (!QuoteMarkers.IsClosing(kept[i]) || !kept.Take(i).Any(l => l.Trim().Length > 0)) continue;
            var below = kept.Skip(i + 1).Where(l => l.Trim().Length > 0).ToList();
            if (below.Count <= 6 && below.Any(l => l.Any(char.IsDigit))
                && below.All(l => l.Trim().Length <= 60 && !QuoteMarkers.NamesAnItem(l) && !BareNumber().IsMatch(l)))
                return kept[..i];
        }
        return kept;
    }

    // ">>> link <<<" is the patient's own emphasis, not a quote.
    private static bool IsQuoted(string line) => line.StartsWith('>') && !Arrows().IsMatch(line);

    /// <summary>A quoted line that carries on the question above it: the "(0 = no pain …)" scale, or an indented line.</summary>
    private static bool IsContinuation(string line)
    {
        var content = line.TrimStart('>');
        return content.Trim().StartsWith('(') || (content.Length > 1 && content.StartsWith("  ", StringComparison.Ordinal));
    }

    private static bool PreviousContentIsQuoted(string[] lines, int before)
    {
        for (var j = before - 1; j >= 0; j--)
            if (lines[j].Trim().Length > 0) return lines[j].TrimStart().StartsWith('>');
        return false;
    }

    private static int NextContent(string[] lines, int from)
    {
        var j = from;
        while (j < lines.Length && lines[j].Trim().Length == 0) j++;
        return j;
    }

    private static bool NextContentIsQuoted(string[] lines, int from)
    {
        for (var j = from; j < lines.Length; j++)
            if (lines[j].Trim().Length > 0) return lines[j].TrimStart().StartsWith('>');
        return true;
    }

    /// <summary>Visible text of an HTML body, skipping head, style, script and quoted history.</summary>
    /// <param name="html">The HTML part.</param>
    /// <param name="keepQuotes">Blockquotes read as text (an indent, not a quote).</param>
    /// <param name="markQuotes">Blockquotes' lines written "> …", as a plain-text reply quotes, and Gmail's and
    /// Thunderbird's attribution lines kept, so that the quote stripping can tell the answers typed between them.</param>
    internal static string HtmlToText(string html, bool keepQuotes = false, bool markQuotes = false)
    {
        var text = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        int skipDepth = 0, quoteDepth = 0, preDepth = 0;
        var skipStack = new Stack<HtmlTagId>();
        while (tokenizer.ReadNextToken(out var token))
        {
            // Outlook (desktop and web) puts the history after a divider, not inside it: nothing below is the reply.
            if (token is HtmlTagToken { IsEndTag: false } divider && IsOutlookDivider(divider)) break;
            switch (token)
            {
                case HtmlTagToken { Id: HtmlTagId.BlockQuote } quote when markQuotes && skipDepth == 0 && !quote.IsEmptyElement:
                    quoteDepth = Math.Max(0, quoteDepth + (quote.IsEndTag ? -1 : 1));
                    if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
                    break;
                // Thunderbird quotes a plain-text check-in as <pre>: its line breaks are the lines to mark.
                case HtmlTagToken { Id: HtmlTagId.Pre } pre when markQuotes && skipDepth == 0 && !pre.IsEmptyElement:
                    preDepth = Math.Max(0, preDepth + (pre.IsEndTag ? -1 : 1));
                    if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
                    break;
                case HtmlTagToken tag when !tag.IsEndTag && !tag.IsEmptyElement && IsSkipped(tag, keepQuotes, markQuotes):
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
                    var pieces = preDepth > 0 ? data.Data.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n') : [data.Data];
                    for (var p = 0; p < pieces.Length; p++)
                    {
                        if (p > 0) text.Append('\n');
                        var words = Whitespace().Replace(pieces[p], " ");
                        if (quoteDepth > 0 && words.Trim().Length > 0 && (text.Length == 0 || text[^1] == '\n')) text.Append('>', quoteDepth).Append(' ');
                        text.Append(words);
                    }
                    break;
            }
        }
        return string.Join('\n', text.ToString().Split('\n').Select(l => l.Trim())).Trim();
    }

    private static bool IsSkipped(HtmlTagToken tag, bool keepQuotes, bool markQuotes) =>
        tag.Id is HtmlTagId.Head or HtmlTagId.Style or HtmlTagId.Script or HtmlTagId.Title
        || (tag.Id == HtmlTagId.BlockQuote && !keepQuotes)
        || (!markQuotes && tag.Attributes.Any(a => a.Id == HtmlAttributeId.Class && a.Value is { } v
            && (v.Contains("gmail_quote", StringComparison.OrdinalIgnoreCase) || v.Contains("moz-cite-prefix", StringComparison.OrdinalIgnoreCase))))
        || tag.Attributes.Any(a => a.Id == HtmlAttributeId.Id && a.Value is { } v
            && (v.Equals("divRplyFwdMsg", StringComparison.OrdinalIgnoreCase) || v.Equals("appendonsend", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Whether an HTML body can hold the divider <see cref="IsOutlookDivider"/> finds, without tokenizing it.</summary>
    internal static bool MayHoldOutlookDivider(string html) =>
        OutlookDividerIds.Any(id => html.Contains(id, StringComparison.OrdinalIgnoreCase)) || OutlookBorder().IsMatch(html);

    private static readonly string[] OutlookDividerIds = ["divRplyFwdMsg", "appendonsend", "stopSpelling", "mail-editor-reference-message-container"];

    internal static bool IsOutlookDivider(HtmlTagToken tag) =>
        tag.Attributes.Any(a => a.Id == HtmlAttributeId.Id && a.Value is { } v
            && OutlookDividerIds.Contains(v, StringComparer.OrdinalIgnoreCase))
        // Outlook desktop: <div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"> (#B5C4DF before 2013).
        || (tag.Id == HtmlTagId.Div && tag.Attributes.Any(a => a.Id == HtmlAttributeId.Style && a.Value is { } style
            && OutlookBorder().IsMatch(style)));

    private static bool IsLineBreak(HtmlTagId id) =>
        id is HtmlTagId.Br or HtmlTagId.HR or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3;

    [GeneratedRegex(@"^\W*\d{1,2}\W*$")]
    private static partial Regex BareNumber();

    [GeneratedRegex(@"(?<!\d)0(?!\d).{1,40}(?<!\d)10(?!\d)")]
    private static partial Regex ScaleOfTen();

    [GeneratedRegex(@"^\s*\(?(?:https?://\S+|\S*=\S*\))\)?\s*>?\s*$")]
    private static partial Regex LinkFragment();

    [GeneratedRegex(@"^>{2,}.*<{2,}\s*$")]
    private static partial Regex Arrows();

    [GeneratedRegex(@"^\s*(?:_{10,}|-{10,})\s*$")]
    private static partial Regex Rule();

    [GeneratedRegex(@"mailing list|^\s*(?:To unsubscribe|Unsubscribe|You received this message because)", RegexOptions.IgnoreCase)]
    private static partial Regex ListFooter();

    [GeneratedRegex(@"^\s*-\p{Lu}[\p{L}.'\-]+(?:\s\p{Lu}[\p{L}.'\-]+){0,2}\s*$")]
    private static partial Regex DashName();

    [GeneratedRegex(@"border-top\s*:\s*solid\s+#(E1E1E1|B5C4DF)", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookBorder();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
