using FollowUp.Courses.Import;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FollowUp.Web.Pages.Admin.Import;

/// <summary>
/// Uploads a clinic's CSV export. The file is kept in PostgreSQL (<see cref="ImportUploads"/>) and checked at once by a
/// dry run of the same <see cref="CourseImport"/> as <c>course import</c>; its row report follows on the upload's page.
/// </summary>
// The server takes a body well past the upload limit (FollowUp:Import:MaxUploadBytes, at most 32 MB) so that a file
// over it is read and answered on this page with its size and the limit, not with a bare 400; only a signed-in admin
// gets this far (authorization runs before the form is read), and the form reader keeps a large file on disk.
[RequestSizeLimit(ServerLimit)]
[RequestFormLimits(MultipartBodyLengthLimit = ServerLimit)]
public sealed class IndexModel(ImportUploads uploads, ImportRuns runs, FormSubmissions forms, IOptions<ImportOptions> importOptions) : AdminPage(forms)
{
    private const long ServerLimit = 8L * ImportFileLoader.MaxBytes;

    /// <summary>The upload limit, as the page states it.</summary>
    public string Limit => importOptions.Value.MaxUploadText;

    /// <summary>The columns an export needs and may have, with the header words read as each: the import's own lists.</summary>
    public static IReadOnlyList<(string Name, bool Required, IReadOnlyList<string> Words)> Columns { get; } =
        Enum.GetValues<ImportField>().Select(f => (ImportColumns.Name(f), ImportColumns.Required.Contains(f), ImportColumns.WordsFor(f)))
            .OrderBy(c => !c.Item2).ToList();

    /// <summary>The cultures a clinic's dates are commonly written in; ISO YYYY-MM-DD is always read.</summary>
    public static IReadOnlyList<(string Name, string Example)> Cultures { get; } =
    [
        ("en-GB", "05/11/2026 is 5 November"), ("en-US", "11/05/2026 is 5 November"), ("de-DE", "05.11.2026"), ("fr-FR", "05/11/2026"),
        ("es-ES", "05/11/2026"), ("it-IT", "05/11/2026"), ("nl-NL", "05-11-2026"), ("pt-PT", "05/11/2026"),
    ];

    public string? Culture { get; private set; }
    public string? DateFormat { get; private set; }
    public string? TimeZone { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "key")] Guid key, IFormFile? file, [FromForm(Name = "culture")] string? culture,
        [FromForm(Name = "dateFormat")] string? dateFormat, [FromForm(Name = "timeZone")] string? timeZone, CancellationToken cancellationToken)
    {
        (Culture, DateFormat, TimeZone) = (culture, dateFormat, timeZone);
        long id = 0;
        var outcome = await OnceAsync(key, "course import upload", async () =>
        {
            var problems = new List<string>();
            if (file is null) problems.Add("choose the CSV file to upload");
            else if (file.Length == 0) problems.Add($"{Path.GetFileName(file.FileName)} is empty (0 bytes): export the courses again and upload that file");
            else if (importOptions.Value.TooLarge(file.Length) is { } tooLarge) problems.Add($"{Path.GetFileName(file.FileName)} {tooLarge}");
            if (culture is { Length: > 0 } && !Cultures.Any(c => c.Name == culture)) problems.Add($"date culture '{culture}' is not one of the list");
            if (dateFormat is { Length: > 40 } || dateFormat?.Any(char.IsControl) == true) problems.Add("the date pattern is too long or has control characters");
            if (timeZone is { Length: > 0 } && !EnrolModel.TimeZones.Contains(timeZone)) problems.Add($"time zone '{timeZone}' is not an IANA time zone id (e.g. Europe/London)");
            if (problems.Count > 0)
            {
                Problems = problems;
                return null;
            }
            var content = new byte[file!.Length];
            await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(content, cancellationToken);
            var name = Path.GetFileName(file.FileName);
            try
            {
                id = await uploads.AddAsync(Me.Id, name.Length is > 0 and <= 200 ? name : "upload.csv", content, new UploadSettings(culture, dateFormat, timeZone), cancellationToken);
            }
            catch (ImportFileException refused)
            {
                Problems = [$"{name}: {refused.Message}"];
                return null;
            }
            runs.Start(id, ImportMode.DryRun, Me.Email);
            return FormattableString.Invariant($"Uploaded {name}; upload {id} is being checked.");
        }, cancellationToken);
        return outcome is null ? Page() : LocalRedirect(FormattableString.Invariant($"/admin/import/{id}"));
    }
}
