using System.Threading.RateLimiting;
using FollowUp.Users;
using Microsoft.Extensions.Options;

namespace FollowUp.Web;

/// <summary>
/// Sign-in requests are limited per address and per client (ASP.NET Core's rate limiter, a fixed window each), so
/// nobody can flood a therapist's mailbox or probe addresses quickly. The counters are per node: behind a load
/// balancer the limits multiply by the node count.
/// </summary>
internal static class SignInLimits
{
    public const string Path = "/signin";

    public static PartitionedRateLimiter<HttpContext> Limiter() =>
        // The address first: the middleware asks the chain twice when refused (AttemptAcquire, then AcquireAsync), and a
        // fixed window keeps a permit even when the chain gives its lease back, so a request refused for its address
        // must not reach the client's window and use up the allowance of everyone behind the same address.
        PartitionedRateLimiter.CreateChained(
            By(context => context.Request.HasFormContentType ? context.Request.Form["email"].ToString().Trim().ToLowerInvariant() : "", "address", web => web.SignInRequestsPerAddress),
            By(context => context.Connection.RemoteIpAddress?.ToString() ?? "unknown", "client", web => web.SignInRequestsPerClient));

    private static PartitionedRateLimiter<HttpContext> By(Func<HttpContext, string> key, string what, Func<WebOptions, int> limit) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (!IsRequest(context)) return RateLimitPartition.GetNoLimiter("");
            var web = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
            return RateLimitPartition.GetFixedWindowLimiter($"{what}:{key(context)}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit(web),
                Window = web.SignInRateWindow,
                QueueLimit = 0,
            });
        });

    private static bool IsRequest(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && string.Equals(context.Request.Path.Value?.TrimEnd('/'), Path, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a sign-in request's form before the limiter asks for its address (the limiter's key is synchronous).</summary>
    internal sealed class FormFirst(RequestDelegate next)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            if (IsRequest(context) && context.Request.HasFormContentType) await context.Request.ReadFormAsync(context.RequestAborted);
            await next(context);
        }
    }
}
