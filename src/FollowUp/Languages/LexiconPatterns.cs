using System.Text.RegularExpressions;

namespace FollowUp.Languages;

/// <summary>
/// How the language files' entries become patterns: a trie of words (<see cref="Words"/>) and the one factory
/// that decides whether a pattern is compiled (<see cref="Pattern"/>). Text is matched folded (<see cref="Lexicon.Fold"/>).
/// </summary>
internal static class LexiconPatterns
{
    internal const RegexOptions Options = RegexOptions.CultureInvariant;

    /// <summary>
    /// Compiled to IL only under this length. A longer pattern (the number words of seven languages inside a label's
    /// pattern run to 10 000-20 000 characters) compiles to a method so large that the JIT gives up optimising it, and
    /// then runs 3-15 times slower than the interpreter (measured over the corpus: Pain 80 us compiled, 6 us interpreted).
    /// </summary>
    private const int CompiledBelow = 3000;

    /// <summary>A reply pattern, compiled when that makes it faster (<see cref="CompiledBelow"/>).</summary>
    internal static Regex Pattern(string pattern, RegexOptions options = Options) =>
        new(pattern, pattern.Length < CompiledBelow ? options | RegexOptions.Compiled : options);

    /// <summary>
    /// Entries as one alternative, whole words only where they begin or end with a letter; a space matches spaces and
    /// tabs. Written as a trie ("pain", "painful", "pijn" as <c>p(?:ain(?:ful(?!\w)|(?!\w))|ijn(?!\w))</c>): at each
    /// position the engine follows one branch per letter instead of trying every entry, which is what makes reading a
    /// reply cheap (hundreds of entries per pattern, seven languages). The longest entry is still tried first, and a
    /// shorter one when the rest of the pattern fails after the longer, as with the entries listed longest first.
    /// </summary>
    internal static string Words(IEnumerable<string> entries)
    {
        var root = new TrieNode();
        foreach (var e in entries.Where(e => e.Length > 0))
        {
            var node = root;
            foreach (var c in e) node = node.Child(c == '\t' ? ' ' : c);
            node.Ends = true;
            node.Trail |= char.IsLetterOrDigit(e[^1]);
            node.Loose |= !char.IsLetterOrDigit(e[^1]);
        }
        var words = root.Children.Where(c => char.IsLetterOrDigit(c.Key)).Select(c => Branch(c.Key, c.Value)).ToList();
        var others = root.Children.Where(c => !char.IsLetterOrDigit(c.Key)).Select(c => Branch(c.Key, c.Value)).ToList();
        var parts = new List<string>(2);
        if (words.Count > 0) parts.Add(@"(?<!\w)(?:" + string.Join('|', words) + ")");
        if (others.Count > 0) parts.Add(string.Join('|', others));
        return "(?:" + string.Join('|', parts) + ")";
    }

    private static string Branch(char c, TrieNode node) => (c == ' ' ? @"[ \t]+" : Regex.Escape(c.ToString())) + Rest(node);

    private static string Rest(TrieNode node)
    {
        var alternatives = node.Children.Select(c => Branch(c.Key, c.Value)).ToList();
        // An entry ending here is the last choice: every longer entry through this node is tried before it. One ending
        // in a letter must end a word; one ending otherwise ("n.", "-") may be followed by anything.
        if (node.Ends) alternatives.Add(node.Loose ? "" : @"(?!\w)");
        return alternatives.Count switch
        {
            0 => "",
            1 when node.Children.Count == 1 => alternatives[0],
            _ => "(?:" + string.Join('|', alternatives) + ")",
        };
    }

    private sealed class TrieNode
    {
        public SortedDictionary<char, TrieNode> Children { get; } = [];
        public bool Ends { get; set; }
        public bool Trail { get; set; }
        public bool Loose { get; set; }

        public TrieNode Child(char c)
        {
            if (!Children.TryGetValue(c, out var child)) Children[c] = child = new TrieNode();
            return child;
        }
    }
}
