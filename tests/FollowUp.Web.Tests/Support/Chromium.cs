using Microsoft.Playwright;

namespace FollowUp.Tests.Support;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium, installed by scripts/install-servers.sh --with-browser), headless, in a fresh
/// profile, with the flags this machine needs: no sandbox as root, and no background networking, which the closed
/// network refuses. Playwright drives it; it never downloads a browser of its own.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string Path = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private Chromium(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    public static async Task<Chromium> LaunchAsync(BrowserTypeLaunchPersistentContextOptions? options = null)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: the browser tests use Debian's chromium (apt-get install -y chromium; scripts/test.sh installs it).");
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("followup-chromium-").FullName;
        options ??= new BrowserTypeLaunchPersistentContextOptions();
        options.ExecutablePath = Path;
        options.Headless = true;
        options.Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"];
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, options);
        return new Chromium(playwright, context, profile);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } // chromium may still be writing its last file
    }
}
