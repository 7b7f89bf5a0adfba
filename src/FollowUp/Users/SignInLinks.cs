using System.Security.Cryptography;
using Dapper;
using FollowUp.Audit;
using FollowUp.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FollowUp.Users;

/// <summary>What became of a sign-in link when it was used (or looked at).</summary>
public enum LinkState { Valid, Unknown, Used, Expired, OtherBrowser }

/// <summary>A sign-in link checked or redeemed: its state, and the user it signs in when <see cref="LinkState.Valid"/>.</summary>
public sealed record LinkCheck(LinkState State, User? User);

/// <summary>
/// Sign-in without passwords: a person gives their address and gets a link by email. The link's secret and the nonce
/// cookie of the browser that asked are stored only as SHA-256 hashes; the link signs in once, before it expires, and
/// only in that browser. An unknown or disabled address gets the same answer and no email.
/// </summary>
public sealed class SignInLinks
{
    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider clock;
    private readonly IOptions<WebOptions> webOptions;
    private readonly IOptions<SmtpOptions> smtpOptions;
    private readonly IOptions<ClinicOptions> clinicOptions;
    private readonly ILogger<SignInLinks> logger;

    // Internal: the SMTP settings are the library's own; UsersFeature.AddSignIn builds it.
    internal SignInLinks(NpgsqlDataSource dataSource, TimeProvider clock, IOptions<WebOptions> webOptions, IOptions<SmtpOptions> smtpOptions,
        IOptions<ClinicOptions> clinicOptions, ILogger<SignInLinks> logger)
    {
        this.dataSource = dataSource;
        this.clock = clock;
        this.webOptions = webOptions;
        this.smtpOptions = smtpOptions;
        this.clinicOptions = clinicOptions;
        this.logger = logger;
    }

    /// <summary>A new random secret for a browser's nonce cookie (or a link), URL-safe.</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Emails a sign-in link to <paramref name="email"/> when it names an active user; otherwise does nothing. The caller
    /// answers the same either way, so the page says nothing about who may sign in.
    /// </summary>
    public async Task RequestAsync(string email, string browserNonce, CancellationToken cancellationToken)
    {
        if (await IssueAsync(email, browserNonce, cancellationToken) is not { } issued) return;
        var (user, secret) = issued;
        var options = webOptions.Value;
        var link = $"{options.PublicUrl.TrimEnd('/')}/signin/link?token={secret}";
        var message = SignInEmail.Build(user, link, options.SignInLinkLifetime, clinicOptions.Value, clock.GetUtcNow());
        using var smtp = await MailConnections.ConnectSmtpAsync(smtpOptions.Value, cancellationToken);
        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(true, cancellationToken);
        Log.SignInLinkSent(logger, user.Id);
    }

    /// <summary>A new link for an active user (its secret, which exists nowhere else), or null for anyone else.</summary>
    internal async Task<(User User, string Secret)?> IssueAsync(string email, string browserNonce, CancellationToken cancellationToken)
    {
        email = email.Trim();
        if (!ClinicOptions.IsAddress(email) || string.IsNullOrEmpty(browserNonce)) return null;
        var now = clock.GetUtcNow();
        var secret = NewSecret();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(ActiveUser, new { email }, cancellationToken: cancellationToken));
        if (user is null) return null;
        await connection.ExecuteAsync(new CommandDefinition(Insert, new
        {
            userId = user.Id, tokenHash = Hash(secret), browserHash = Hash(browserNonce), at = now.UtcDateTime,
            expiresAt = (now + webOptions.Value.SignInLinkLifetime).UtcDateTime,
        }, cancellationToken: cancellationToken));
        return (user, secret);
    }

    /// <summary>What the link is, without using it up (a GET shows this; mail scanners fetch links too).</summary>
    public async Task<LinkCheck> CheckAsync(string? token, string? browserNonce, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return new LinkCheck(LinkState.Unknown, null);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var link = await connection.QuerySingleOrDefaultAsync<LinkRow>(new CommandDefinition(Find, new { tokenHash = Hash(token) }, cancellationToken: cancellationToken));
        return new LinkCheck(StateOf(link, browserNonce, clock.GetUtcNow()), null);
    }

    /// <summary>Uses the link up and returns the user it signs in; any other state changes nothing. Audited.</summary>
    public async Task<LinkCheck> RedeemAsync(string? token, string? browserNonce, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return new LinkCheck(LinkState.Unknown, null);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var link = await connection.QuerySingleOrDefaultAsync<LinkRow>(new CommandDefinition(Find + " FOR UPDATE OF l", new { tokenHash = Hash(token) }, transaction, cancellationToken: cancellationToken));
        var state = StateOf(link, browserNonce, now);
        if (state != LinkState.Valid) return new LinkCheck(state, null);
        await connection.ExecuteAsync(new CommandDefinition(Use, new { id = link!.Id, at = now.UtcDateTime }, transaction, cancellationToken: cancellationToken));
        var user = await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"SELECT {UserDirectory.Columns} FROM users WHERE id = @userId AND disabled_at IS NULL",
            new { userId = link.UserId }, transaction, cancellationToken: cancellationToken));
        if (user is null) return new LinkCheck(LinkState.Unknown, null);
        await AuditTrail.WriteAsync(connection, transaction, now, user.Email, "user.signed_in", null, null, user.Id, new { link = link.Id }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Log.SignedIn(logger, user.Id);
        return new LinkCheck(LinkState.Valid, user);
    }

    private static LinkState StateOf(LinkRow? link, string? browserNonce, DateTimeOffset now) => link switch
    {
        null or { Disabled: true } => LinkState.Unknown,
        { UsedAt: not null } => LinkState.Used,
        _ when link.ExpiresAt <= now.UtcDateTime => LinkState.Expired,
        _ when string.IsNullOrEmpty(browserNonce) || !CryptographicOperations.FixedTimeEquals(link.BrowserHash, Hash(browserNonce)) => LinkState.OtherBrowser,
        _ => LinkState.Valid,
    };

    private static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class LinkRow
    {
        public long Id { get; init; }
        public long UserId { get; init; }
        public byte[] BrowserHash { get; init; } = [];
        public DateTime ExpiresAt { get; init; }
        public DateTime? UsedAt { get; init; }
        public bool Disabled { get; init; }
    }

    private const string ActiveUser = $"""
        SELECT {UserDirectory.Columns} FROM users WHERE lower(email) = lower(@email) AND disabled_at IS NULL
        """;

    private const string Insert = """
        INSERT INTO sign_in_links (user_id, token_hash, browser_hash, created_at, expires_at)
        VALUES (@userId, @tokenHash, @browserHash, @at, @expiresAt)
        """;

    private const string Find = """
        SELECT l.id, l.user_id, l.browser_hash, l.expires_at, l.used_at, u.disabled_at IS NOT NULL AS disabled
        FROM sign_in_links l JOIN users u ON u.id = l.user_id
        WHERE l.token_hash = @tokenHash
        """;

    private const string Use = "UPDATE sign_in_links SET used_at = @at WHERE id = @id AND used_at IS NULL";
}
