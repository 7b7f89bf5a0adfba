namespace FollowUp.Web.Pages.SignIn;

/// <summary>
/// Where a signed-out user was going (the <c>ReturnUrl</c> the sign-in redirect carries), kept in a cookie of the
/// sign-in pages from the request for a link to the link's use, so the emailed link brings them back there. Only a path
/// of this web face is ever followed: an absolute URL, a //host or /\host one, or one with a control character is no
/// path of ours, and sign-in then goes to the patients' list as it always did.
/// </summary>
internal static class ReturnPath
{
    public const string Cookie = "followup.signin.next";
    private const int MaxLength = 2048;

    /// <summary>The path itself when it is a local one worth going back to, else null.</summary>
    public static string? Local(string? given) =>
        given is { Length: > 0 and <= MaxLength } path && path[0] == '/' && (path.Length == 1 || path[1] is not '/' and not '\\')
        && !path.Any(char.IsControl) && !path.StartsWith("/signin", StringComparison.OrdinalIgnoreCase)
        && !path.StartsWith("/signout", StringComparison.OrdinalIgnoreCase)
            ? path : null;

    public static void Keep(HttpResponse response, string path, TimeSpan lifetime, bool secure) =>
        response.Cookies.Append(Cookie, path, new CookieOptions
        {
            HttpOnly = true,
            Secure = secure,
            SameSite = SameSiteMode.Lax,
            Path = "/signin",
            MaxAge = lifetime,
        });

    public static void Forget(HttpResponse response) => response.Cookies.Delete(Cookie, new CookieOptions { Path = "/signin" });

    /// <summary>The kept path, checked again (a cookie is the browser's to change), and forgotten.</summary>
    public static string? Take(HttpRequest request, HttpResponse response)
    {
        var kept = Local(request.Cookies[Cookie]);
        Forget(response);
        return kept;
    }
}
