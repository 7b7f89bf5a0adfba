namespace FollowUp.Users;

/// <summary>The web face (section <c>FollowUp:Web</c>): where it is reached and how long a sign-in link lives.</summary>
public sealed class WebOptions
{
    public const string Section = "FollowUp:Web";

    /// <summary>The address people open, as the links in emails name it (https://followup.clinic.example).</summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>How long an emailed sign-in link works.</summary>
    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a signed-in session lasts without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Sign-in requests allowed for one address within <see cref="SignInRateWindow"/>.</summary>
    public int SignInRequestsPerAddress { get; set; } = 5;

    /// <summary>Sign-in requests allowed from one client (IP address) within <see cref="SignInRateWindow"/>.</summary>
    public int SignInRequestsPerClient { get; set; } = 20;

    public TimeSpan SignInRateWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Rows on one page of a list.</summary>
    public int PageSize { get; set; } = 25;

    internal IEnumerable<string> Validate()
    {
        const string s = Section;
        foreach (var problem in Mail.PatientLinks.PublicUrlProblems(s, PublicUrl, required: true)) yield return problem;
        if (SignInLinkLifetime < TimeSpan.FromMinutes(1) || SignInLinkLifetime > TimeSpan.FromHours(1))
            yield return $"{s}:SignInLinkLifetime must be between 00:01:00 and 01:00:00 (was {SignInLinkLifetime}).";
        if (SessionIdleTimeout < TimeSpan.FromMinutes(5) || SessionIdleTimeout > TimeSpan.FromDays(1))
            yield return $"{s}:SessionIdleTimeout must be between 00:05:00 and 1.00:00:00 (was {SessionIdleTimeout}).";
        if (SignInRequestsPerAddress < 1) yield return $"{s}:SignInRequestsPerAddress must be at least 1 (was {SignInRequestsPerAddress}).";
        if (SignInRequestsPerClient < 1) yield return $"{s}:SignInRequestsPerClient must be at least 1 (was {SignInRequestsPerClient}).";
        if (SignInRateWindow <= TimeSpan.Zero) yield return $"{s}:SignInRateWindow must be positive (was {SignInRateWindow}).";
        if (PageSize is < 5 or > 200) yield return $"{s}:PageSize must be between 5 and 200 (was {PageSize}).";
    }
}
