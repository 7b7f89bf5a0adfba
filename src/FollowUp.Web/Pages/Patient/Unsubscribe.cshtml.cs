using FollowUp.Replies;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Patient;

/// <summary>
/// Unsubscribe. A GET shows one button (a form POST with antiforgery). RFC 8058 one-click: the mail program POSTs
/// <c>List-Unsubscribe=One-Click</c> to the link of the List-Unsubscribe header, with no cookie and no form token of
/// ours, so that exact POST is taken on the signed token alone (§3.1); every other POST needs the page's antiforgery.
/// Either goes the way of a STOP reply.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(WebReplies replies, IAntiforgery antiforgery) : PatientPage
{
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        Show(await replies.LookAsync(Token, unsubscribing: true, cancellationToken));

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var oneClick = Request.HasFormContentType && Request.Form["List-Unsubscribe"] is { Count: 1 } v && v.ToString() == "One-Click";
        if (!oneClick && !await antiforgery.IsRequestValidAsync(HttpContext)) return BadRequest();
        return Show(await replies.UnsubscribeAsync(Token, oneClick, cancellationToken));
    }
}
