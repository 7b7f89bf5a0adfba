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
    public int Minutes => (int)web.Value.SignInLinkLifetime.TotalMinutes;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync([FromForm] string? email, CancellationToken cancellationToken)
    {
        Email = (email ?? "").Trim();
        if (!Mail.ClinicOptions.IsAddress(Email) || Email.Length > 320)
        {
            Problem = "That is not an email address: write it as name@example.org.";
            return Page();
        }
        var nonce = BrowserNonce.Of(Request) ?? BrowserNonce.Issue(Response, web.Value, environment);
        await links.RequestAsync(Email, nonce, cancellationToken);
        Sent = true;
        return Page();
    }
}
