using FollowUp.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace FollowUp.Web;

/// <summary>
/// The session cookie: HttpOnly, Secure outside development, SameSite=Lax (a link in an alert email opens the course
/// signed in; every POST is also checked by antiforgery). It holds only the user id: each request reads the user's row,
/// so a disabled user or a changed role takes effect at the next click.
/// </summary>
internal sealed class SessionCookie(IWebHostEnvironment environment, IOptions<WebOptions> web) : IConfigureNamedOptions<CookieAuthenticationOptions>
{
    public void Configure(string? name, CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "followup.session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        options.ExpireTimeSpan = web.Value.SessionIdleTimeout;
        options.SlidingExpiration = true;
        options.LoginPath = "/signin";
        options.LogoutPath = "/signout";
        options.AccessDeniedPath = "/status/404";
        // A page of another role is "not found" (404, the status page re-executed), not a redirect that says it exists.
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        };
        options.Events.OnValidatePrincipal = async context =>
        {
            var id = context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
            var users = context.HttpContext.RequestServices.GetRequiredService<UserDirectory>();
            var user = long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var userId)
                ? await users.ActiveAsync(userId, context.HttpContext.RequestAborted) : null;
            // A copy of a cookie whose session was ended (a sign-out, a disable) carries an earlier generation than the row.
            var ended = user is not null && context.Principal?.FindFirst(WebFace.SessionClaim)?.Value
                != user.SessionGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (user is null || ended)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return;
            }
            context.HttpContext.Items[typeof(User)] = user;
            // The role in the cookie is only a copy: the row decides.
            context.ReplacePrincipal(WebFace.Principal(user));
        };
    }

    public void Configure(CookieAuthenticationOptions options) => Configure(Options.DefaultName, options);
}
