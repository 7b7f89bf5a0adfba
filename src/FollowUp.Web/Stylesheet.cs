namespace FollowUp.Web;

/// <summary>The one stylesheet, embedded in the assembly: no folder to deploy, no CDN.</summary>
internal static class Stylesheet
{
    private static readonly Lazy<string> Css = new(() =>
    {
        using var stream = typeof(Stylesheet).Assembly.GetManifestResourceStream("site.css")
            ?? throw new InvalidOperationException("site.css is not embedded in FollowUp.Web");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IResult Serve(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(Css.Value, "text/css; charset=utf-8");
    }
}
