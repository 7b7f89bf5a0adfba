using System.Text.Json;
using Microsoft.Playwright;

namespace FollowUp.Tests.Support;

/// <summary>
/// axe-core, the accessibility checker, injected into a page Playwright shows (the copy scripts/install-servers.sh
/// --with-browser cached from the npm registry; never a CDN). The pages' CSP allows no script but the web face's own, so the browser
/// context that runs it bypasses CSP (BrowserTypeLaunchPersistentContextOptions.BypassCSP).
/// </summary>
public static class Axe
{
    public static string ScriptPath =>
        Environment.GetEnvironmentVariable("FOLLOWUP_TEST_AXE") is { Length: > 0 } given && File.Exists(given) ? given
        : Directory.Exists("/var/cache/followup")
            ? Directory.GetDirectories("/var/cache/followup", "axe-core-*").Order(StringComparer.Ordinal).Select(d => Path.Combine(d, "axe.min.js")).LastOrDefault(File.Exists) ?? ""
            : "";

    /// <summary>Every serious or critical violation on the page as it is now, one line each: the rule, what it asks, where.</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        var script = ScriptPath;
        Assert.True(File.Exists(script), "axe-core is missing: scripts/install-servers.sh --with-browser caches it from the npm registry (scripts/test.sh runs it)");
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'")) await page.AddScriptTagAsync(new() { Path = script });
        var json = await page.EvaluateAsync<string>("""
            async () => JSON.stringify((await axe.run(document, { resultTypes: ['violations'] })).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))
            """);
        return JsonSerializer.Deserialize<string[]>(json) ?? [];
    }
}
