using FollowUp.Courses.Import;

namespace FollowUp.Web.Pages.Admin;

/// <summary>
/// Runs an uploaded export's import beside the request that asked for it, so that the page can refresh and show its
/// progress (written to the upload's row, read by whichever node serves the refresh). A node that stops mid-import
/// rolls the import's transaction back: nothing half-stored.
/// </summary>
public sealed partial class ImportRuns(ImportUploads uploads, IHostApplicationLifetime lifetime, ILogger<ImportRuns> log)
{
    public void Start(long uploadId, ImportMode mode, string actor) => _ = Task.Run(async () =>
    {
        try
        {
            await uploads.RunAsync(uploadId, mode, actor, lifetime.ApplicationStopping);
        }
        catch (Exception e)
        {
            // RunAsync has marked the upload failed; this task has no caller to throw to.
            ImportFailed(uploadId, e);
        }
    });

    [LoggerMessage(Level = LogLevel.Error, Message = "The import of upload {UploadId} failed; nothing was stored")]
    private partial void ImportFailed(long uploadId, Exception exception);
}
