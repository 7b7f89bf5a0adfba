using FollowUp.Replies;
using Microsoft.AspNetCore.Mvc;

namespace FollowUp.Web.Pages.Patient;

/// <summary>
/// "Answer on the web": the check-in's questions as big radio buttons, for patients whose mail client mangles a reply.
/// A GET only shows the questions (mail scanners and link previews fetch every link); the POST (antiforgery-checked)
/// records the answer through the inbox's own store. Works without any script.
/// </summary>
public sealed class AnswerModel(WebReplies replies) : PatientPage
{
    public WebAnswer Tapped { get; private set; } = new(null, null, null, null);
    public IReadOnlyList<string> Missing { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        Show(await replies.LookAsync(Token, unsubscribing: false, cancellationToken));

    public async Task<IActionResult> OnPostAsync([FromForm] string? pain, [FromForm] string? mood, [FromForm(Name = "phq2_a")] string? phq2A,
        [FromForm(Name = "phq2_b")] string? phq2B, CancellationToken cancellationToken)
    {
        Tapped = new WebAnswer(pain, mood, phq2A, phq2B);
        var after = await replies.AnswerAsync(Token, Tapped, cancellationToken);
        if (after.State == PatientLinkState.Open)
        {
            // Nothing recorded: something asked was left out. The page again, with what was tapped and what is missing.
            Missing = WebReplies.Problems(after, Tapped);
            return Show(after, StatusCodes.Status400BadRequest);
        }
        return Show(after, after.State == PatientLinkState.Answered ? StatusCodes.Status409Conflict : StatusCodes.Status200OK);
    }

    public bool IsTapped(string question, int value) => (question switch
    {
        "pain" => Tapped.Pain,
        "mood" => Tapped.Mood,
        "phq2_a" => Tapped.Phq2A,
        _ => Tapped.Phq2B,
    }) == value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
