using System.Text.RegularExpressions;
using FollowUp.Languages;

namespace FollowUp.Replies;

/// <summary>
/// The lines of a signature below the answer, whose numbers (a phone, a street, a postcode, a company's registration)
/// answer nothing and must not make the answer doubtful: everything after a closing ("Kind regards,", "Bien à vous,",
/// "Cordiali saluti"), and a trailing block that opens with a name line and carries contact details (a phone number,
/// an address, a mail address). A line naming an item ("P.S. pain 4"), a bare number, or a small number opening a
/// sentence ("6 in the evening") stays to be read.
/// </summary>
internal static partial class Signature
{
    private const int LongestBlock = 8;

    /// <summary>For each line of the patient's own text as written, whether it is part of a signature.</summary>
    public static bool[] Lines(string[] lines)
    {
        var signature = new bool[lines.Length];
        var first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0) return signature;
        for (var i = first + 1; i < lines.Length; i++)
        {
            if (QuoteMarkers.IsClosing(lines[i]))
            {
                for (var j = i + 1; j < lines.Length; j++) signature[j] = !StaysToBeRead(lines[j]);
                return signature;
            }
            // "Mood" / "low" on their own lines: a label is capitalised like a name, but is the answer's, not a signature's.
            if (NameLine().IsMatch(lines[i]) && !QuoteMarkers.NamesAnItem(lines[i]) && IsContactBlock(lines, i + 1))
            {
                for (var j = i + 1; j < lines.Length; j++) signature[j] = true;
                return signature;
            }
        }
        return signature;
    }

    private static bool StaysToBeRead(string line) => QuoteMarkers.NamesAnItem(line) || BareNumber().IsMatch(line) || NumberOpensASentence.IsMatch(line);

    // "6 in the evening though": a small number then lower-case words is the patient writing, not an address ("27 cours
    // Lafayette", "12 rue de la Paix" have a street word there).
    private static readonly Regex NumberOpensASentence = LexiconPatterns.Pattern(
        $@"^\W*\d{{1,2}}(?!\d)[ \t]+(?!(?i:{LexiconPatterns.Words(Lexicon.Union(l => l.Streets))}))\p{{Ll}}");

    /// <summary>A name's title, company, address and phone: a few short lines to the end, one with contact details, none an answer.</summary>
    private static bool IsContactBlock(string[] lines, int from)
    {
        var below = lines.Skip(from).Where(l => l.Trim().Length > 0).ToList();
        return below.Count is > 0 and <= LongestBlock
            && below.All(l => l.Trim().Length <= 90 && !StaysToBeRead(l))
            && below.Any(l => ContactDetail().IsMatch(l));
    }

    // "Peter Walsh", "Mia K.", "Dr. Anna de Vries": capitalised words only, no digits, as a name is signed.
    [GeneratedRegex(@"^[ \t]*(?:\p{Lu}[\p{L}'\-]*\.?|de|van|von|der|den|da|do|dos|di|del|la|le)(?:[ \t]+(?:\p{Lu}[\p{L}'\-]*\.?|de|van|von|der|den|da|do|dos|di|del|la|le)){0,3}[ \t,]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NameLine();

    // A phone (seven digits or more with the spaces people put in), a mail or web address, or a postcode of four digits or more.
    [GeneratedRegex(@"(?<![\w+])\+?\(?\d[\d ().\-/]{5,}\d(?!\w)|\S+@\S+\.\S+|(?:https?://|www\.)\S+|(?<!\d)\d{4,5}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex ContactDetail();

    [GeneratedRegex(@"^\W*\d{1,2}\W*$")]
    private static partial Regex BareNumber();
}
