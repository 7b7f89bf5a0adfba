using System.Diagnostics.Metrics;
using FollowUp.Operations;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Operations;

public class MetricsTests
{
    [Fact]
    public async Task A_sent_check_in_is_counted_on_the_FollowUp_meter()
    {
        await using var clinic = await Clinic.OpenAsync();
        await clinic.EnrolAsync("Mia");
        long sent = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FollowUpMetrics.MeterName && instrument.Name == "followup.checkins.sent") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref sent, value));
        listener.Start();

        clinic.Clock.Advance(TimeSpan.FromDays(8) + TimeSpan.FromHours(2)); // inside the patient's 09:00-19:00 window
        var result = await clinic.Dispatch.SendDueAsync(default);

        Assert.Equal(1, result.Sent);
        // Other tests may send at the same time through the same static meter: at least this one was counted.
        Assert.True(Interlocked.Read(ref sent) >= 1);
    }
}
