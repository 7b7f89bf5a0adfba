using FollowUp.Courses.Import;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin.Import;

/// <summary>
/// Uploads a clinic's CSV export. The file is kept in PostgreSQL (<see cref="ImportUploads"/>) and checked at once by a
/// dry run of the same <see cref="CourseImport"/> as <c>course import</c>; its row report follows on the upload's page.
/// </summary>
[RequestSizeLimit(ImportFileLoader.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = ImportFileLoader.MaxBytes + 1024 * 1024)]
public sealed class IndexModel(ImportUploads uploads, ImportRuns runs, FormSubmissions forms) : AdminPage(forms)
{
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
            if (file is null || file.Length == 0) problems.Add("choose the CSV file to upload");
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
