using System.Security.Claims;
using FollowUp.Users;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace FollowUp.Web;

/// <summary>
/// The web face: therapists sign in by emailed link and see their patients' trajectories and alerts. It shares the
/// worker's library, database and settings and keeps no state in memory between requests but the rate limiter's
/// counters, so several nodes can run behind a load balancer.
/// </summary>
public static class WebFace
{
    /// <summary>The web host; <paramref name="configure"/> lets a test add settings or replace the clock before it is built.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The pages live in this assembly, whoever hosts it (the web executable, or a test).
            ApplicationName = typeof(WebFace).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // ASP.NET Core's request lines (Information) carry the query string, and a sign-in link's secret is in it.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        configure?.Invoke(builder);
        var services = builder.Services;
        services.AddFollowUpCore();
        services.AddSignIn();
        services.AddMigrationAtStart();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, KeyRingSetup>();
        services.AddDataProtection().SetApplicationName("FollowUp");
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        services.AddSingleton<IConfigureOptions<CookieAuthenticationOptions>, SessionCookie>();
        // Every page needs a signed-in user unless it says [AllowAnonymous]: a new page is closed until opened on purpose.
        services.AddAuthorizationBuilder().SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser().RequireRole(Roles.All.ToArray()).Build())
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "followup.antiforgery";
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = SignInLimits.Limiter();
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        });
        services.AddRazorPages(o =>
        {
            o.Conventions.ConfigureFilter(new NoHandlerIsNotFound());
            // The clinic's configuration: every page under Pages/Admin is the admins' (a lead or a therapist finds nothing there).
            o.Conventions.AuthorizeFolder("/Admin", AdminPolicy);
        });
        services.AddSingleton<Pages.Admin.ImportRuns>();

        var app = builder.Build();
        // Behind a TLS-terminating proxy on the same machine (the deployment docs/operations.md describes): the
        // request's scheme and client address are the proxy's X-Forwarded-* (trusted from loopback only, the default).
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        app.UseMiddleware<SecurityHeaders>();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/status/500");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.UseRouting();
        app.UseMiddleware<SignInLimits.FormFirst>();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet(Assets.StylesheetPath, Assets.Stylesheet).AllowAnonymous();
        app.MapGet(Assets.ScriptPath, Assets.ScriptFile).AllowAnonymous();
        app.MapGet("/", () => Results.Redirect("/patients"));
        app.MapRazorPages();
        return app;
    }

    /// <summary>The policy of the admin pages: the admin role, read from the user's row at each request.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>The signed-in user as the database has them now (read at every request), or null.</summary>
    public static User? CurrentUser(this HttpContext context) => context.Items[typeof(User)] as User;

    /// <summary>The claim that holds which of the user's sessions this is (users.session_generation).</summary>
    internal const string SessionClaim = "followup:session";

    internal static ClaimsPrincipal Principal(User user) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Role, user.Role),
         new Claim(SessionClaim, user.SessionGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        CookieAuthenticationDefaults.AuthenticationScheme));
}
