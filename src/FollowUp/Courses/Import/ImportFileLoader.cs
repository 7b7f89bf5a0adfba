using System.Globalization;

namespace FollowUp.Courses.Import;

/// <summary>Why a path given to <c>course import</c> is not read: said without any of the file's content.</summary>
public sealed class ImportFileException(string message) : Exception(message);

/// <summary>
/// Reads the file an admin names for import, refusing what cannot be a clinic's CSV export before any of it is
/// parsed or shown: a folder, a device or pipe (/dev/zero never ends), a file too large for an export, binary data
/// (an .xlsx saved instead of a CSV). Nothing of the content goes into the message: the file may hold anything.
/// </summary>
public static class ImportFileLoader
{
    /// <summary>A clinic's export of 100 000 courses is about 10 MB.</summary>
    public const int MaxBytes = 32 * 1024 * 1024;

    public static async Task<byte[]> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path)) throw new ImportFileException("is a folder, not a CSV file");
        if (!File.Exists(path)) throw new ImportFileException("no such file");
        var info = new FileInfo(path);
        if (info.Length > MaxBytes) throw new ImportFileException(TooLarge(info.Length));
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
        var buffer = new byte[Math.Min(info.Length, MaxBytes) + 1];
        var read = 0;
        int n;
        // One byte more than the file says it has: a device or pipe (whose size is 0) shows itself by having it.
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0) read += n;
        if (read != info.Length) throw new ImportFileException("is not a regular file (a device, a pipe or a file that changes while read)");
        var bytes = buffer.AsSpan(0, read).ToArray();
        if (Binary(bytes) is { } what) throw new ImportFileException(what);
        return bytes;
    }

    private static string TooLarge(long length) =>
        string.Create(CultureInfo.InvariantCulture, $"is {length / (1024 * 1024)} MB, more than the {MaxBytes / (1024 * 1024)} MB a clinic's export can be; split it");

    /// <summary>Why the bytes are not text, or null: more than 1 % NUL or control bytes (UTF-16 has its BOM and is read as such).</summary>
    internal static string? Binary(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("PK\u0003\u0004"u8)) return "is a ZIP archive (an Excel .xlsx or .ods?), not a CSV file: save the sheet as CSV";
        if (bytes.StartsWith("%PDF"u8)) return "is a PDF, not a CSV file";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return null;
        var head = bytes[..Math.Min(bytes.Length, 64 * 1024)];
        int nuls = 0, controls = 0;
        foreach (var b in head)
        {
            if (b == 0) nuls++;
            else if (b < 0x20 && b is not (byte)'\t' and not (byte)'\r' and not (byte)'\n' and not 0x0C) controls++;
        }
        // A stray NUL in one cell of a text export is that row's problem (reported by column); binary data is full of them.
        if (nuls + controls <= head.Length / 100) return null;
        return nuls > 0 ? "is not a text file (it has NUL bytes): give the clinic's CSV export" : "is not a text file (it is full of control bytes): give the clinic's CSV export";
    }
}
