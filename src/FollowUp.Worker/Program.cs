using FollowUp;
using FollowUp.Demo;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

// --demo: enrol a sample course and play three months of follow-up on a fast-forwarded clock.
var demo = args.Contains("--demo");
var builder = Host.CreateApplicationBuilder(args.Where(a => a != "--demo").ToArray());
builder.Services.AddSystemd();
// Metrics leave the process only when an OTLP endpoint is configured (the exporter reads OTEL_EXPORTER_OTLP_* itself).
if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
    builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService("followup-worker"))
        .WithMetrics(metrics => metrics.AddMeter(FollowUp.Operations.FollowUpMetrics.MeterName).AddOtlpExporter());
if (demo) builder.AddFollowUpDemo();
builder.AddFollowUp();

using var host = builder.Build();
// A wrong setting stops the worker with the key and the reason, before anything starts.
var problems = FollowUpServices.SettingProblems(host.Services);
foreach (var problem in problems) Console.Error.WriteLine($"followup: configuration error: {problem}");
if (problems.Count > 0) return 2;
FollowUpServices.LogSettingWarnings(host.Services);

await host.RunAsync();
return Environment.ExitCode;
