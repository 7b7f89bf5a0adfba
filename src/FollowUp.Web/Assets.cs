namespace FollowUp.Web;

/// <summary>
/// The stylesheet and the one script, embedded in the assembly: no folder to deploy, no CDN. Both are served from the
/// web face's own origin, which is all the Content Security Policy allows (<see cref="SecurityHeaders"/>).
/// </summary>
internal static class Assets
{
    public const string StylesheetPath = "/site.css";
    public const string ScriptPath = "/followup.js";

    private static readonly Lazy<string> Css = new(() => Read("site.css"));
    private static readonly Lazy<string> Script = new(() => Read("followup.js"));

    public static bool IsAsset(PathString path) =>
        path.Equals(StylesheetPath, StringComparison.OrdinalIgnoreCase) || path.Equals(ScriptPath, StringComparison.OrdinalIgnoreCase);

    public static IResult Stylesheet(HttpContext context) => Serve(context, Css.Value, "text/css; charset=utf-8");

    public static IResult ScriptFile(HttpContext context) => Serve(context, Script.Value, "text/javascript; charset=utf-8");

    private static IResult Serve(HttpContext context, string content, string type)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Text(content, type);
    }

    private static string Read(string name)
    {
        using var stream = typeof(Assets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in FollowUp.Web");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
