namespace FollowUp.Web;

/// <summary>
/// The headers of every response: a Content Security Policy with no inline script (nothing runs but what the page
/// itself is), no framing, no referrer (sign-in and patient links carry tokens in their URL), no MIME sniffing, and
/// no caching of pages with patient data. A page that uses the web face's one script (<see cref="AllowScript"/>)
/// may load it from the web face itself and ask the web face, and nothing else: never an inline script, never eval.
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    public const string Policy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public const string ScriptPolicy = Policy + "; script-src 'self'; connect-src 'self'";

    private static readonly object ScriptKey = new();

    /// <summary>Lets this response's page run /followup.js (the schedule form's live check, the status page's refresh).</summary>
    public static void AllowScript(HttpContext context) => context.Items[ScriptKey] = true;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Items.ContainsKey(ScriptKey) ? ScriptPolicy : Policy;
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (!Assets.IsAsset(context.Request.Path)) headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
