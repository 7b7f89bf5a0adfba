using FollowUp.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FollowUp.Web.Pages.SignIn;

/// <summary>
/// The emailed link. A GET only looks and shows a button (mail scanners and link previews fetch every link; that must
/// not use it up); the POST uses the link, signs in and goes where the user was going (<see cref="ReturnPath"/>). A used, expired or foreign link gets a page that says which.
/// </summary>
public sealed class LinkModel(SignInLinks links) : PageModel
{
    public LinkState State { get; private set; }
    public string Token { get; private set; } = "";

    public string Explanation => State switch
    {
        LinkState.Used => "This link has been used already: each sign-in link works once.",
        LinkState.Expired => "This link has expired: a sign-in link works for a few minutes only.",
        LinkState.OtherBrowser => "This link was asked for in another browser: open it in the browser where you asked for it, or ask again here.",
        _ => "This is not a sign-in link FollowUp knows (it may be incomplete: copy the whole link from the email).",
    };

    public async Task<IActionResult> OnGetAsync([FromQuery] string? token, CancellationToken cancellationToken)
    {
        Token = token ?? "";
        State = (await links.CheckAsync(token, BrowserNonce.Of(Request), cancellationToken)).State;
        return Refused();
    }

    public async Task<IActionResult> OnPostAsync([FromForm] string? token, CancellationToken cancellationToken)
    {
        Token = token ?? "";
        var check = await links.RedeemAsync(token, BrowserNonce.Of(Request), cancellationToken);
        State = check.State;
        if (check.User is not { } user) return Refused();
        BrowserNonce.Forget(Response);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, WebFace.Principal(user));
        // Back to the page the user was going to when asked to sign in (a path of this web face only), else their patients.
        return LocalRedirect(ReturnPath.Take(Request, Response) ?? "/patients");
    }

    // A refused link is a 410 Gone (used or expired) or 404, so that scripts see it too; the page says why.
    private PageResult Refused()
    {
        if (State != LinkState.Valid) Response.StatusCode = State is LinkState.Used or LinkState.Expired ? StatusCodes.Status410Gone : StatusCodes.Status404NotFound;
        return Page();
    }
}
