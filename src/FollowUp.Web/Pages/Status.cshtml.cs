using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FollowUp.Web.Pages;

/// <summary>
/// What an error looks like. A course or alert the user may not see is "not found", exactly like one that does not
/// exist, so the page says nothing about another therapist's patients.
/// </summary>
[Microsoft.AspNetCore.Mvc.IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public string Title { get; private set; } = "";
    public string Text { get; private set; } = "";

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        (Title, Text) = code switch
        {
            404 or 403 => ("Not found", "There is nothing here, or nothing you may see."),
            405 => ("Not found", "There is nothing here, or nothing you may see."),
            400 => ("Something was wrong with that request", "The form may have been open too long: go back, reload the page and try again."),
            429 => ("Too many requests", "Too many sign-in requests came from here or for this address. Wait a few minutes and try again."),
            _ => ("Something went wrong", "FollowUp could not show this page. Try again in a moment; if it keeps happening, tell the clinic's admin."),
        };
        // Keep the status code of the original response.
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is null && code is >= 400 and < 600)
            Response.StatusCode = code;
    }
}
