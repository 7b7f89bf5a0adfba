using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FollowUp.Web.Pages;

/// <summary>Signs out (POST only, with antiforgery, so a link on another site cannot sign anyone out).</summary>
public sealed class SignOutModel(FollowUp.Users.UserDirectory users) : PageModel
{
    public IActionResult OnGet() => NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // Every copy of this session's cookie ends with it, not only the one this browser deletes.
        if (HttpContext.CurrentUser() is { } me) await users.EndSessionsAsync(me.Id, cancellationToken);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/signin");
    }
}
