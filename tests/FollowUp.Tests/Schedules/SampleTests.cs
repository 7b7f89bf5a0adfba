using FollowUp.Schedules;

namespace FollowUp.Tests.Schedules;

/// <summary>The sample check-in an admin previews is the email the clinic's patients get: its name, its settings.</summary>
public class SampleTests
{
    [Fact]
    public void A_sample_is_signed_with_the_clinics_name_and_names_no_therapist_under_a_minimal_phi_schedule()
    {
        var named = Templates.RenderSample(Schedule.Default, "en", "en", "Praxis am See");
        var minimal = Templates.RenderSample(Schedule.Default with { MinimalPhi = true }, "en", "en", "Praxis am See");

        Assert.StartsWith("Praxis am See:", named.Subject, StringComparison.Ordinal);
        Assert.EndsWith("Praxis am See\n", named.Text, StringComparison.Ordinal);
        Assert.Contains("<p>Praxis am See</p>", named.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Example Clinic", named.Text + named.Html, StringComparison.Ordinal);
        Assert.Contains("Sam Taylor", named.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sam Taylor", minimal.Text + minimal.Html, StringComparison.Ordinal);
    }
}
