using FollowUp.Replies;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FollowUp.Web.Pages.Patient;

/// <summary>
/// A page a patient opens from their email, with no sign-in: the link's token is the authority. Its words are in the
/// patient's language; a link that does not work says so plainly, with a status that says it to scripts too.
/// </summary>
public abstract class PatientPage : PageModel
{
    public PatientCheckIn CheckIn { get; protected set; } = null!;

    /// <summary>The token from the link's query (where RFC 8058's one-click POST has it too), or from the form.</summary>
    protected string? Token => Request.Query["token"] is { Count: 1 } q ? q.ToString()
        : Request.HasFormContentType && Request.Form["token"] is { Count: 1 } f ? f.ToString() : null;

    /// <summary>The sentence for a link that cannot be used (any more), or null while it can.</summary>
    public string? Refusal => CheckIn.State switch
    {
        PatientLinkState.Invalid => CheckIn.Words.Invalid,
        PatientLinkState.Expired => CheckIn.Words.Expired,
        PatientLinkState.Closed => CheckIn.Words.Closed,
        _ => null,
    };

    protected PageResult Show(PatientCheckIn checkIn, int okStatus = StatusCodes.Status200OK)
    {
        CheckIn = checkIn;
        ViewData["Language"] = checkIn.Language;
        ViewData["Emergency"] = checkIn.Emergency;
        Response.StatusCode = checkIn.State switch
        {
            PatientLinkState.Invalid => StatusCodes.Status404NotFound,
            PatientLinkState.Expired or PatientLinkState.Closed => StatusCodes.Status410Gone,
            _ => okStatus,
        };
        return Page();
    }
}
