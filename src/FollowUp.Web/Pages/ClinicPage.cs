using System.Globalization;
using FollowUp.Users;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FollowUp.Web.Pages;

/// <summary>A page for a signed-in user: who they are (as the database has them now) and how times are shown.</summary>
public abstract class ClinicPage : PageModel
{
    public User Me => HttpContext.CurrentUser() ?? throw new InvalidOperationException("no signed-in user on a page that requires one");

    /// <summary>The therapist whose courses this user sees, or null for every course.</summary>
    protected long? Scope => CourseAccess.Scope(Me);

    public static string When(DateTime? at) => at is { } t ? t.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "";

    /// <summary>An alert's headline as the alert email says it, as a heading ("Pain back up after the massage course").</summary>
    public static string Headline(string kind) => global::FollowUp.Alerts.AlertEmail.Headline(kind) is { Length: > 0 } h ? char.ToUpperInvariant(h[0]) + h[1..] : kind;

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Day(DateTime? at) => at is { } t ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
}
