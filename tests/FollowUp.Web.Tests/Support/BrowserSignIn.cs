using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FollowUp.Tests.Support;

/// <summary>Signs a real browser in as a person does: asks for a link, reads it from the real mailbox, opens it, confirms.</summary>
public static partial class BrowserSignIn
{
    /// <summary>Returns once the browser is signed in; <paramref name="sentShot"/> keeps a screenshot of the "link sent" page.</summary>
    public static async Task SignInAsync(IPage page, WebFaceHost web, string address, string? sentShot = null)
    {
        var before = (await new Mailbox(address).MessagesAsync()).Count;
        await page.GotoAsync(web.BaseUrl + "/signin");
        await page.GetByLabel("Email address").FillAsync(address);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a sign-in link" }).ClickAsync();
        await page.GetByText("a sign-in link is on its way").WaitForAsync();
        if (sentShot is not null) await page.ScreenshotAsync(new() { Path = sentShot, FullPage = true });
        var email = (await new Mailbox(address).WaitForAsync(before + 1)).OrderBy(m => m.Date).Last();
        var link = Link().Match(email.TextBody ?? "").Value;
        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // A deadline, not a timing assertion: the first page of a fresh web host renders slowly on a loaded machine
        // (the other test project runs beside this one), and Playwright's default of 30 s was once not enough.
        await page.WaitForURLAsync(web.BaseUrl + "/patients", new() { Timeout = 120_000 });
    }

    [GeneratedRegex(@"https?://\S+/signin/link\?token=[A-Za-z0-9_-]+")]
    private static partial Regex Link();
}
