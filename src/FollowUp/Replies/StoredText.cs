using MimeKit;

namespace FollowUp.Replies;

/// <summary>Text from a message as PostgreSQL can store it. Pure.</summary>
internal static class StoredText
{
    /// <summary>At most <paramref name="max"/> characters, cleaned; null becomes "".</summary>
    public static string Cut(string? text, int max) => text is null ? "" : Clean(text.Length <= max ? text : text[..max])!;

    /// <summary>
    /// A text value cannot hold NUL (SQLSTATE 22021, and jsonb refuses \u0000) and Npgsql's strict UTF-8 encoder
    /// refuses a lone surrogate; a hostile header, encoded-word or body has either.
    /// </summary>
    public static string? Clean(string? text)
    {
        if (text is null || (!text.Contains('\0', StringComparison.Ordinal) && text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)) return text;
        // UTF-8 round trip: lone surrogates become U+FFFD (the default encoder's replacement), pairs stay.
        return System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text.Replace("\0", "", StringComparison.Ordinal)));
    }

    /// <summary>The headers as they came (folded lines and all), for audit; 8-bit bytes read as UTF-8.</summary>
    public static string RawHeaders(HeaderList headers)
    {
        using var stream = new MemoryStream();
        headers.WriteTo(FormatOptions.Default, stream);
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
