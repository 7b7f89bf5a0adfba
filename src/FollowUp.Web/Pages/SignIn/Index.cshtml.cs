using FollowUp.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace FollowUp.Web.Pages.SignIn;

/// <summary>Asks for a sign-in link. Known or not, an address gets the same page; only a known one gets an email.</summary>
public sealed class IndexModel(SignInLinks links, IOptions<WebOptions> web, IWebHostEnvironment environment) : PageModel
{
    public bool Sent { get; private set; }
    public string Email { get; private set; } = "";
    public string? Problem { get; private set; }
    /// <summary>The page of this web face to go back to after signing in, or null (the patients' list).</summary>
    public string? Next { get; private set; }
    /// <summary>The sign-in was asked for with a place to go back to that is not a page of this web face.</summary>
    public bool NextRefused { get; private set; }
    public int Minutes => (int)web.Value.SignInLinkLifetime.TotalMinutes;

    public void OnGet([FromQuery(Name = "ReturnUrl")] string? returnUrl) => Return(returnUrl);

    public async Task<IActionResult> OnPostAsync([FromForm] string? email, [FromForm(Name = "next")] string? next, CancellationToken cancellationToken)
    {
        Return(next);
        Email = (email ?? "").Trim();
        if (!Mail.ClinicOptions.IsAddress(Email) || Email.Length > 320)
        {
            Problem = "That is not an email address: write it as name@example.org.";
            return Page();
        }
        var nonce = BrowserNonce.Of(Request) ?? BrowserNonce.Issue(Response, web.Value, environment);
        if (Next is not null) ReturnPath.Keep(Response, Next, web.Value.SignInLinkLifetime, secure: !environment.IsDevelopment());
        else ReturnPath.Forget(Response);
        await links.RequestAsync(Email, nonce, cancellationToken);
        Sent = true;
        return Page();
    }

    private void Return(string? given)
    {
        Next = ReturnPath.Local(given);
        NextRefused = !string.IsNullOrEmpty(given) && Next is null;
    }
}
