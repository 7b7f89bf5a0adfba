using FollowUp.Courses;
using FollowUp.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Admin;

/// <summary>
/// The clinic's therapists and who may sign in: add a therapist (<c>therapist add</c>), let someone sign in or change
/// their role (<c>user add</c>), stop them (<c>user disable</c>); the same feature code, so the same rules and audit rows.
/// </summary>
[Authorize(Roles = Roles.Admin)]
public sealed class UsersModel(UserDirectory users, Therapists therapists, FormSubmissions forms) : AdminPage(forms)
{
    public IReadOnlyList<User> Users { get; private set; } = [];
    public IReadOnlyList<TherapistRow> TherapistList { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "done")] Guid? done, CancellationToken cancellationToken)
    {
        await ReadDoneAsync(done, cancellationToken);
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>Adds a therapist or renames one (<c>therapist add</c>).</summary>
    public Task<IActionResult> OnPostTherapistAsync([FromForm(Name = "email")] string? email, [FromForm(Name = "name")] string? name,
        [FromForm(Name = "key")] Guid key, CancellationToken cancellationToken) =>
        ChangeAsync(key, "therapist add", async () =>
        {
            var (_, added) = await therapists.AddAsync(email ?? "", name, Me.Email, cancellationToken);
            return added ? $"Added the therapist {email!.Trim()}." : $"{email!.Trim()} was already a therapist; the name is updated.";
        }, Refusal, "/admin/users", LoadAsync, cancellationToken);

    /// <summary>Adds a user, changes their role, or enables them again: <see cref="UserDirectory.AddAsync"/> does all three (<c>user add</c>).</summary>
    public Task<IActionResult> OnPostUserAsync([FromForm(Name = "email")] string? email, [FromForm(Name = "role")] string? role, [FromForm(Name = "name")] string? name,
        [FromForm(Name = "key")] Guid key, CancellationToken cancellationToken) =>
        ChangeAsync(key, "user add", async () =>
        {
            // Changing one's own role would leave the clinic with no admin after one click, as disabling oneself would.
            if (string.Equals(email?.Trim(), Me.Email, StringComparison.OrdinalIgnoreCase) && !string.Equals(role?.Trim(), Me.Role, StringComparison.OrdinalIgnoreCase))
                throw new UserException("you cannot change your own role here; another admin can, or 'followup-admin user add'");
            var (user, added) = await users.AddAsync(email ?? "", role ?? "", name, Me.Email, cancellationToken);
            return added ? $"{user.Email} may now sign in as {user.Role}." : $"{user.Email} may sign in as {user.Role}.";
        }, Refusal, "/admin/users", LoadAsync, cancellationToken);

    /// <summary>Stops someone from signing in (<c>user disable</c>).</summary>
    public Task<IActionResult> OnPostDisableAsync([FromForm(Name = "email")] string? email, [FromForm(Name = "key")] Guid key, CancellationToken cancellationToken) =>
        ChangeAsync(key, "user disable", async () =>
        {
            // Disabling oneself would lock the last admin out with one click; another admin (or the CLI) can do it.
            if (string.Equals(email?.Trim(), Me.Email, StringComparison.OrdinalIgnoreCase))
                throw new UserException("you cannot disable yourself here; another admin can, or 'followup-admin user disable'");
            var user = await users.DisableAsync(email ?? "", Me.Email, cancellationToken);
            return $"{user.Email} can no longer sign in; a session they have open ends at their next click.";
        }, Refusal, "/admin/users", LoadAsync, cancellationToken);

    /// <summary>A refusal of the user and therapist rules, in words for the page (null for any other exception).</summary>
    private static string? Refusal(Exception e)
    {
        if (e is not (UserException or ArgumentException)) return null;
        // An ArgumentException's message ends in " (Parameter 'email')", which is for programmers.
        var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
        return char.ToUpperInvariant(message[0]) + message[1..];
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Users = await users.ListAsync(cancellationToken);
        TherapistList = await therapists.ListAsync(cancellationToken);
    }

    public static string RoleInWords(string role) => role switch
    {
        Roles.Therapist => "therapist: their own patients",
        Roles.Lead => "lead: every patient, the reports",
        Roles.Admin => "admin: everything, the configuration too",
        _ => role,
    };
}
