using FollowUp.Users;

namespace FollowUp.Web.Pages.SignIn;

/// <summary>
/// The cookie that binds a sign-in link to the browser that asked for it: a link forwarded, or opened by a mail
/// scanner, finds no such cookie and signs nobody in. SameSite=Lax, because the link is opened from an email (a
/// top-level navigation from another site), where a Strict cookie would not be sent.
/// </summary>
internal static class BrowserNonce
{
    public const string Cookie = "followup.signin";

    public static string? Of(HttpRequest request) => request.Cookies[Cookie] is { Length: >= 32 and <= 100 } value ? value : null;

    public static string Issue(HttpResponse response, WebOptions web, IWebHostEnvironment environment)
    {
        var nonce = SignInLinks.NewSecret();
        response.Cookies.Append(Cookie, nonce, new CookieOptions
        {
            HttpOnly = true,
            Secure = !environment.IsDevelopment(),
            SameSite = SameSiteMode.Lax,
            Path = "/signin",
            MaxAge = web.SignInLinkLifetime,
        });
        return nonce;
    }

    public static void Forget(HttpResponse response) => response.Cookies.Delete(Cookie, new CookieOptions { Path = "/signin" });
}
