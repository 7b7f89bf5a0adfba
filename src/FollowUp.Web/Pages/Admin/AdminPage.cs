using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;

namespace FollowUp.Web.Pages.Admin;

/// <summary>The roles of the admin pages: the reports are for leads too; what changes the clinic is for admins only.</summary>
internal static class AdminRoles
{
    public const string Admin = Roles.Admin;
    public const string Reports = Roles.Lead + "," + Roles.Admin;
}

/// <summary>A page's filters as a query string (the empty ones left out), so a form or a download keeps them.</summary>
internal static class FilterQuery
{
    public static string Of(params (string Name, string? Value)[] filters) =>
        string.Join("&", filters.Where(f => !string.IsNullOrEmpty(f.Value)).Select(f => $"{f.Name}={Uri.EscapeDataString(f.Value!)}"));
}

/// <summary>
/// An admin page with forms. Each form carries a key of its own (a hidden field, <see cref="NewFormKey"/>), claimed in
/// PostgreSQL before the change (<see cref="FormSubmissions"/>): the same form posted twice changes the clinic once,
/// and the second post says so and what the first did. A change a feature refuses (bad input) gives the key back, so
/// the corrected form is a first submission.
/// </summary>
[Authorize(Roles = AdminRoles.Admin)]
public abstract class AdminPage(FormSubmissions forms) : ClinicPage
{
    public string? Notice { get; protected set; }
    public string? Problem { get; protected set; }

    public static string NewFormKey() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// Runs <paramref name="change"/> once for <paramref name="key"/>; its result is the notice shown. Exceptions of the
    /// features' "does not apply" kinds are the problem shown, with nothing changed.
    /// </summary>
    protected async Task RunOnceAsync(string? key, string form, Func<Task<string>> change, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(key, out var formKey) || formKey == Guid.Empty)
        {
            Problem = "This form is out of date: reload the page and try again. Nothing was changed.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (await forms.ClaimAsync(formKey, Me, form, cancellationToken) is { } earlier)
        {
            Notice = $"This form was already sent at {When(earlier.SubmittedAt)}, so nothing was changed this time."
                     + (earlier.Outcome is { } outcome ? $" The first time: {outcome}" : "");
            Response.StatusCode = StatusCodes.Status409Conflict;
            return;
        }
        try
        {
            Notice = await change();
            await forms.RecordAsync(formKey, Notice, cancellationToken);
        }
        catch (Exception e) when (e is UserException or ArgumentException or global::FollowUp.CheckIns.SendLogException or global::FollowUp.Courses.SuppressionException)
        {
            await forms.ReleaseAsync(formKey, cancellationToken);
            // An ArgumentException's message ends in " (Parameter 'email')", which is for programmers.
            var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
            Problem = char.ToUpperInvariant(message[0]) + message[1..] + ". Nothing was changed.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
