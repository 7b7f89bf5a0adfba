namespace FollowUp.Web.Pages;

/// <summary>A page's filters as a query string (the empty ones left out), so a form or a download keeps them.</summary>
internal static class FilterQuery
{
    public static string Of(params (string Name, string? Value)[] filters) =>
        string.Join("&", filters.Where(f => !string.IsNullOrEmpty(f.Value)).Select(f => $"{f.Name}={Uri.EscapeDataString(f.Value!)}"));
}
