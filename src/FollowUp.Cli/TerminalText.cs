using System.Globalization;
using System.Text;

namespace FollowUp.Cli;

/// <summary>
/// Everything the tool prints may come from outside: a patient's reply, a remote server's delivery report, a CSV
/// export. A control character in it (ESC starting a terminal sequence, a carriage return overwriting a line, a C1
/// CSI) would be obeyed by the admin's terminal, so each is shown as a visible \uXXXX instead. Line breaks and tabs
/// stay: they are the tool's own layout.
/// </summary>
internal sealed class TerminalText(TextWriter inner) : TextWriter
{
    /// <summary>Standard error as it was, for the tool's own terminal sequences (the import's progress line) only.</summary>
    public static TextWriter RawError { get; private set; } = Console.Error;

    /// <summary>Puts an escaping writer in front of standard output and standard error.</summary>
    public static void Guard()
    {
        RawError = Console.Error;
        Console.SetOut(new TerminalText(Console.Out));
        Console.SetError(new TerminalText(Console.Error));
    }

    public override Encoding Encoding => inner.Encoding;
    public override IFormatProvider FormatProvider => inner.FormatProvider;

    /// <summary>The text with every control character but line feed and tab made visible.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(IsUnsafe)) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
            escaped.Append(IsUnsafe(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : c);
        return escaped.ToString();
    }

    // C0 but \n and \t, DEL, C1 (0x9B is a one-byte CSI), and the bidirectional overrides that reorder what is shown.
    private static bool IsUnsafe(char c) =>
        (char.IsControl(c) && c is not '\n' and not '\t') || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    public override void Write(char value) => inner.Write(Escape(value.ToString()));
    public override void Write(string? value) => inner.Write(value is null ? null : Escape(value));
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
    public override void WriteLine(string? value) => inner.WriteLine(value is null ? null : Escape(value));
    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Flush();
        base.Dispose(disposing);
    }
}
