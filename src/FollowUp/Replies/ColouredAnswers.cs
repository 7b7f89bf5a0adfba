using System.Text;
using System.Text.RegularExpressions;
using FollowUp.Languages;
using MimeKit.Text;

namespace FollowUp.Replies;

/// <summary>
/// "Answers below in red": Outlook quotes the check-in without "&gt;" under its header block, and a patient answers in it
/// in another colour. The HTML as text with the quoted part as "&gt; " lines and the coloured words as lines of the
/// patient's, so that the quote stripping reads each answer under its question as it does any inline reply. Only when a
/// coloured line stands right under a quoted question: a check-in quoted with a coloured footer is no answer.
/// </summary>
internal static partial class ColouredAnswers
{
    public static string? Of(string html)
    {
        // Most HTML replies are no Outlook reply: they are not tokenized a second time here.
        if (html.IndexOf("color", StringComparison.OrdinalIgnoreCase) < 0 || !ReplyText.MayHoldOutlookDivider(html)) return null;
        var lines = new List<(string Text, bool Quoted)>();
        var line = new StringBuilder();
        var quotedLine = false;
        var open = new OpenElements();
        var skip = 0;
        var afterDivider = false;
        void EndLine()
        {
            if (line.ToString().Trim().Length > 0) lines.Add((Whitespace().Replace(line.ToString(), " ").Trim(), quotedLine));
            line.Clear();
        }
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        while (tokenizer.ReadNextToken(out var token))
            switch (token)
            {
                case HtmlTagToken tag when !tag.IsEndTag && ReplyText.IsOutlookDivider(tag):
                    EndLine();
                    afterDivider = true;
                    if (!tag.IsEmptyElement) open.Push(tag.Id, false);
                    break;
                case HtmlTagToken { Id: HtmlTagId.Head or HtmlTagId.Style or HtmlTagId.Script or HtmlTagId.Title } tag when !tag.IsEmptyElement:
                    skip = Math.Max(0, skip + (tag.IsEndTag ? -1 : 1));
                    break;
                case HtmlTagToken tag when tag.Id is HtmlTagId.Br or HtmlTagId.HR or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR:
                    EndLine();
                    if (tag.Id is HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR) Track(tag, open);
                    break;
                case HtmlTagToken tag:
                    Track(tag, open);
                    break;
                case HtmlDataToken data when skip == 0 && data.Data.Trim().Length > 0:
                    var patients = !afterDivider || open.AnyColoured;
                    // A line is all quoted or all the patient's: a coloured word inside a quoted line starts its own.
                    if (line.ToString().Trim().Length > 0 && quotedLine == patients) EndLine();
                    quotedLine = !patients;
                    line.Append(System.Net.WebUtility.HtmlDecode(data.Data));
                    break;
            }
        EndLine();
        if (!afterDivider) return null;
        var answered = lines.Where((l, i) => !l.Quoted && i > 0 && lines[i - 1].Quoted && lines.Take(i).Any(q => q.Quoted)
            && QuoteMarkers.AskedItem(lines[i - 1].Text) is not null);
        return answered.Any() ? string.Join('\n', lines.Select(l => l.Quoted ? "> " + l.Text : l.Text)) : null;
    }

    /// <summary>Keeps the stack of open elements and whether each sets a colour other than the text's own.</summary>
    private static void Track(HtmlTagToken tag, OpenElements open)
    {
        if (tag.IsEmptyElement || tag.Id is HtmlTagId.Br or HtmlTagId.HR or HtmlTagId.Image or HtmlTagId.Meta or HtmlTagId.Link or HtmlTagId.Input or HtmlTagId.Col or HtmlTagId.Area or HtmlTagId.Base or HtmlTagId.Wbr) return;
        if (!tag.IsEndTag)
        {
            var colour = tag.Attributes.FirstOrDefault(a => a.Id == HtmlAttributeId.Color)?.Value
                ?? (tag.Attributes.FirstOrDefault(a => a.Id == HtmlAttributeId.Style)?.Value is { } style && ColourInStyle().Match(style) is { Success: true } m ? m.Groups["c"].Value : null);
            open.Push(tag.Id, colour is not null && !Plain().IsMatch(colour.Trim()));
            return;
        }
        // Browsers close what is left open inside: pop down to the element this end tag closes, if it is open at all.
        open.Close(tag.Id);
    }

    /// <summary>
    /// The open elements, with a count of each kind and of the coloured ones, so that a hostile body of thousands of
    /// nested or stray tags costs a step per tag, not a walk of the whole stack.
    /// </summary>
    private sealed class OpenElements
    {
        private readonly Stack<(HtmlTagId Id, bool Coloured)> _open = new();
        private readonly Dictionary<HtmlTagId, int> _count = [];
        private int _coloured;

        public bool AnyColoured => _coloured > 0;

        public void Push(HtmlTagId id, bool coloured)
        {
            _open.Push((id, coloured));
            _count[id] = _count.GetValueOrDefault(id) + 1;
            if (coloured) _coloured++;
        }

        public void Close(HtmlTagId id)
        {
            if (_count.GetValueOrDefault(id) == 0) return;
            while (true)
            {
                var (top, coloured) = _open.Pop();
                _count[top]--;
                if (coloured) _coloured--;
                if (top == id) return;
            }
        }
    }

    [GeneratedRegex(@"(?<![-\w])color\s*:\s*(?<c>[^;""]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ColourInStyle();

    // Black, Outlook's window text and the greys and dark blue clients use for text: not an answer's colour.
    [GeneratedRegex(@"^(?:#0{3}(?:0{3})?|black|windowtext|inherit|initial|currentcolor|rgb\(\s*0\s*,\s*0\s*,\s*0\s*\)|#(?:1f497d|212121|222222?|333333?|444444|1d1d1d|201f1e|242424))\s*(?:!important)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Plain();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
