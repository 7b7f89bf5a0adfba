using FollowUp.Alerts;
using FollowUp.Tests.Alerts;
using FollowUp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FollowUp.Tests.DataProtection;

/// <summary>
/// Minimal-PHI mode, read from the real mailboxes: the therapist's alert, its escalation to the lead and the daily
/// digest listing it carry the alert's reference and reason class, and no name, address, score or word of the patient.
/// </summary>
public class MinimalPhiEmailTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task In_minimal_phi_mode_the_alert_its_escalation_and_the_digest_listing_it_name_no_patient_score_or_reply_word()
    {
        var lead = $"lead@{TestServers.UniqueDomain("lead")}";
        await using var clinic = await Clinic.OpenAsync(Monday, new Dictionary<string, string?>
        {
            ["FollowUp:Alerts:ConfirmingCheckIn"] = "false",
            ["FollowUp:Alerts:MinimalPhi"] = "true",
            ["FollowUp:Alerts:LeadAddress"] = lead,
        });
        await clinic.EnrolAsync("Ines", painAtStart: 8, painAtEnd: 3);
        await AlertLifecycleTests.AnswerAsync(clinic, "ines", "Pain 3, fine.", "Pain 6, my sciatica is flaring since the divorce.");
        Assert.Equal(1, await clinic.Alerts.NotifyAsync(default));
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 18, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await clinic.Services.GetRequiredService<Escalation>().EscalateAsync(default));
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 19, 8, 5, 0, TimeSpan.Zero));
        Assert.Equal(1, await clinic.Services.GetRequiredService<Digest>().SendDueAsync(default));

        var therapist = await new Mailbox(clinic.Address("therapist")).WaitForAsync(2);
        var alert = therapist.Single(m => m.Subject!.Contains("FollowUp alert for A-", StringComparison.Ordinal));
        var digest = therapist.Single(m => m.Subject!.StartsWith("FollowUp daily digest", StringComparison.Ordinal));
        var escalation = (await new Mailbox(lead).WaitForAsync(1)).Single();

        Assert.Contains("[escalated to the lead]", digest.TextBody, StringComparison.Ordinal);
        Assert.Contains("pain back up after the massage course", digest.TextBody, StringComparison.Ordinal);
        foreach (var message in new[] { alert, escalation, digest })
        {
            Assert.Contains("A-", message.Subject + message.TextBody, StringComparison.Ordinal);
            var everything = message.Subject + "\n" + message.TextBody + "\n" + message.HtmlBody;
            foreach (var phi in new[] { "Ines", "ines@", "Pain 6", "Pain 3", "6/10", "baseline 8", "sciatica", "divorce", "flaring" })
                Assert.False(everything.Contains(phi, StringComparison.OrdinalIgnoreCase), $"'{message.Subject}' holds '{phi}'");
        }
    }
}
