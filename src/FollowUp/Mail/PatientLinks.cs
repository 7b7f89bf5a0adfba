namespace FollowUp.Mail;

/// <summary>
/// Where the web face is reached from a patient's email (section <c>FollowUp:Web</c>, the key the web face signs in
/// with): the base of the "answer on the web" and one-click unsubscribe links. Optional for the worker: without it the
/// emails carry the reply address and the <c>mailto:</c> unsubscribe only.
/// </summary>
public sealed class PatientPagesOptions
{
    public const string Section = "FollowUp:Web";

    /// <summary>https://followup.clinic.example (http only on loopback, for a local demo); empty: no web links in emails.</summary>
    public string PublicUrl { get; set; } = "";

    internal IEnumerable<string> Validate() => PatientLinks.PublicUrlProblems(Section, PublicUrl, required: false);
}

/// <summary>The patient pages' links; the token is the check-in's reply token (<see cref="ReplyToken"/>), so a link expires with its check-in.</summary>
internal static class PatientLinks
{
    public const string AnswerPath = "/answer";
    public const string UnsubscribePath = "/unsubscribe";

    /// <summary>The two links of a check-in's email, or nulls when no public address is set.</summary>
    public static (string? Answer, string? Unsubscribe) For(string? publicUrl, string token)
    {
        if (string.IsNullOrWhiteSpace(publicUrl)) return (null, null);
        var root = publicUrl.Trim().TrimEnd('/');
        return ($"{root}{AnswerPath}?token={token}", $"{root}{UnsubscribePath}?token={token}");
    }

    /// <summary>
    /// The one rule for the address people open: absolute, and https unless it is loopback (links carry tokens, and
    /// RFC 8058 wants https for one-click). The web face requires it; the worker takes it when given.
    /// </summary>
    internal static IEnumerable<string> PublicUrlProblems(string section, string? publicUrl, bool required)
    {
        if (string.IsNullOrWhiteSpace(publicUrl))
        {
            if (required) yield return $"{section}:PublicUrl must be the absolute http(s) address people open (was '').";
            yield break;
        }
        if (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Query.Length > 0 || url.Fragment.Length > 0)
            yield return $"{section}:PublicUrl must be the absolute http(s) address people open, without ?query or #fragment (was '{publicUrl}').";
        else if (url.Scheme == "http" && !url.IsLoopback)
            yield return $"{section}:PublicUrl must be https for a host that is not loopback: sign-in, answer and unsubscribe links would cross the network readable (was '{publicUrl}').";
    }
}
