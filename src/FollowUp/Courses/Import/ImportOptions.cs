using System.Globalization;

namespace FollowUp.Courses.Import;

/// <summary>Section <c>FollowUp:Import</c>: how large an export the web face's upload takes.</summary>
public sealed class ImportOptions
{
    public const string Section = "FollowUp:Import";

    /// <summary>
    /// The largest file an upload takes, in bytes. A clinic's export of 100 000 courses is about 10 MB, so 32 MB leaves
    /// room; every upload is kept in the database until its import is done, so a limit far above that is a mistake.
    /// </summary>
    public long MaxUploadBytes { get; set; } = ImportFileLoader.MaxBytes;

    /// <summary>The limit as people read it ("32 MB").</summary>
    public string MaxUploadText => Size(MaxUploadBytes);

    /// <summary>Why a file of <paramref name="length"/> bytes is not taken, naming both sizes; null when it is.</summary>
    public string? TooLarge(long length) =>
        length <= MaxUploadBytes ? null : $"is {Size(length)}, more than the {MaxUploadText} an upload may be ({Section}:MaxUploadBytes); split the export, or ask whoever runs FollowUp to raise the limit";

    /// <summary>Bytes as people read them: "512 bytes", "40 KB", "2.5 MB" (1 KB = 1024 bytes).</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };

    internal IEnumerable<string> Validate()
    {
        if (MaxUploadBytes < 1024 || MaxUploadBytes > ImportFileLoader.MaxBytes)
            yield return $"{Section}:MaxUploadBytes must be from 1024 bytes to {ImportFileLoader.MaxBytes} ({Size(ImportFileLoader.MaxBytes)}, the most a clinic's export is read at), e.g. 8388608 for 8 MB (was {MaxUploadBytes}).";
    }
}
