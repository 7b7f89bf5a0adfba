using System.Diagnostics.Metrics;

namespace FollowUp.Operations;

/// <summary>
/// The counters an operator graphs: check-ins sent and failed, replies by outcome, alerts raised. A plain
/// System.Diagnostics.Metrics meter, so the library needs no telemetry package; the worker exports it over OTLP only
/// when an endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT), and `dotnet-counters monitor -n FollowUp.Worker
/// --counters FollowUp` reads it with nothing configured.
/// </summary>
public static class FollowUpMetrics
{
    public const string MeterName = "FollowUp";

    private static readonly Meter Meter = new(MeterName, "1.0");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("followup.checkins.sent", "{check-in}", "Check-in emails accepted by the SMTP server");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("followup.checkins.failed", "{check-in}", "Check-ins given up on (refused address or too many attempts)");
    private static readonly Counter<long> Retrying = Meter.CreateCounter<long>("followup.checkins.retrying", "{check-in}", "Check-in sends that failed for now and will be retried");
    private static readonly Counter<long> Replies = Meter.CreateCounter<long>("followup.replies", "{message}", "Messages read from the replies mailbox, by outcome");
    private static readonly Counter<long> Alerts = Meter.CreateCounter<long>("followup.alerts.raised", "{alert}", "Alerts raised for therapists, by kind and severity");

    internal static void Dispatched(int sent, int failed, int retrying)
    {
        if (sent > 0) Sent.Add(sent);
        if (failed > 0) Failed.Add(failed);
        if (retrying > 0) Retrying.Add(retrying);
    }

    internal static void Reply(string outcome) => Replies.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal static void AlertRaised(string kind, string severity) =>
        Alerts.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("severity", severity));
}
