using System.Text.Json;
using Dapper;
using FollowUp.Exports;
using FollowUp.Replies;
using FollowUp.Tests.Support;
using Encounter = Hl7.Fhir.Model.Encounter;
using FhirString = Hl7.Fhir.Model.FhirString;
using Integer = Hl7.Fhir.Model.Integer;
using Observation = Hl7.Fhir.Model.Observation;
using Patient = Hl7.Fhir.Model.Patient;
using QuestionnaireResponse = Hl7.Fhir.Model.QuestionnaireResponse;
using Resource = Hl7.Fhir.Model.Resource;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FollowUp.Tests.Exports;

/// <summary>The export of a clinic whose patient wrote a formula into a reply, read back as a spreadsheet and as FHIR would.</summary>
public class ExportCommandTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private const string Hostile = "=HYPERLINK(\"http://evil.example\",\"x\") pain 4";

    private static async Task<(Clinic Clinic, long CourseId)> ClinicWithRepliesAsync()
    {
        var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Noor", painAtStart: 8, painAtEnd: 3);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var checkIns = (await db.QueryAsync<long>("SELECT id FROM check_ins WHERE course_id = @courseId ORDER BY sequence", new { courseId })).ToArray();
        await db.ExecuteAsync("UPDATE check_ins SET status = 'sent', sent_at = @at, message_id = 'ci' || id || '@export.test' WHERE id = ANY(@ids)",
            new { at = Monday.AddDays(9).UtcDateTime, ids = checkIns[..2] });
        clinic.Clock.SetUtcNow(Monday.AddDays(10));
        var intake = clinic.Services.GetRequiredService<ReplyIntake>();
        uint uid = 0;
        foreach (var (checkIn, text) in new[] { (checkIns[0], Hostile), (checkIns[1], "Pain 3\na: 1\nb: 2") })
        {
            var reply = new MimeMessage();
            reply.From.Add(MailboxAddress.Parse(clinic.Address("noor")));
            reply.To.Add(MailboxAddress.Parse($"replies+{clinic.Tokens.Create('c', checkIn)}@{clinic.Domain}"));
            reply.Subject = "Re: How is your back?";
            reply.MessageId = $"r{checkIn}@export.test";
            reply.Body = new TextPart("plain") { Text = text };
            Assert.Equal(InboundOutcome.Answer, await intake.AcceptAsync(new InboundKey("export", 1, ++uid), reply, default));
        }
        return (clinic, courseId);
    }

    [Fact]
    public async Task The_csv_export_writes_one_file_per_kind_consent_included_and_a_reply_starting_with_a_formula_is_defused()
    {
        var (clinic, _) = await ClinicWithRepliesAsync();
        await using var _clinic = clinic;
        var folder = Path.Combine(Path.GetTempPath(), "followup-export-" + Guid.NewGuid().ToString("N"));

        var run = await Tool.RunAsync("followup-admin.dll", ["export", "--format", "csv", "--out", folder, "--connection", clinic.ConnectionString]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("Exported 1 courses, 6 check-ins, 2 replies", run.Stdout, StringComparison.Ordinal);
        Assert.All(CsvExport.Files, f => Assert.True(File.Exists(Path.Combine(folder, f)), f));
        var replies = await File.ReadAllTextAsync(Path.Combine(folder, "replies.csv"));
        Assert.Contains(",given,consent,in_person,", await File.ReadAllTextAsync(Path.Combine(folder, "consents.csv")), StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\") pain 4\"", replies, StringComparison.Ordinal);
        // No line of any file starts a cell with a formula character outside quotes and the apostrophe.
        foreach (var file in CsvExport.Files)
            foreach (var line in (await File.ReadAllLinesAsync(Path.Combine(folder, file))).Skip(1))
                Assert.DoesNotMatch("(^|,)[=+@-]", line);
    }

    [Fact]
    public async Task The_fhir_export_parses_back_with_the_sdk_with_loinc_codes_and_every_observation_derived_from_its_response()
    {
        var (clinic, courseId) = await ClinicWithRepliesAsync();
        await using var _clinic = clinic;
        var file = Path.Combine(Path.GetTempPath(), "followup-export-" + Guid.NewGuid().ToString("N") + ".ndjson");

        var run = await Tool.RunAsync("followup-admin.dll", ["export", "--format", "fhir", "--out", file, "--connection", clinic.ConnectionString]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = await File.ReadAllLinesAsync(file);
        var resources = lines.Select(l => JsonSerializer.Deserialize<Resource>(l, FhirExport.Json)!).ToList();
        // Round trip: what the SDK parsed serializes to the very same line.
        Assert.Equal(lines, resources.Select(r => JsonSerializer.Serialize(r, r.GetType(), FhirExport.Json)));
        Assert.Single(resources.OfType<Patient>());
        Assert.Equal($"course-{courseId}", Assert.Single(resources.OfType<Encounter>()).Id);
        var responses = resources.OfType<QuestionnaireResponse>().ToList();
        Assert.Equal(2, responses.Count);
        Assert.Contains(responses, r => r.Item.Any(i => i.LinkId == "reply-text" && (i.Answer[0].Value as FhirString)?.Value == Hostile));
        var observations = resources.OfType<Observation>().ToList();
        Assert.Equal(["44250-9", "44255-8", "55758-7", "72514-3", "72514-3"], observations.Select(o => o.Code.Coding[0].Code ?? "").Order().ToArray());
        Assert.All(observations, o => Assert.Equal("http://loinc.org", o.Code.Coding[0].System));
        var ids = responses.Select(r => $"QuestionnaireResponse/{r.Id}").ToList();
        Assert.All(observations, o => Assert.Contains(Assert.Single(o.DerivedFrom).Reference ?? "", ids));
        Assert.Equal(3, (observations.Single(o => o.Code.Coding[0].Code == "55758-7").Value as Integer)?.Value);
    }

    [Fact]
    public async Task Every_resource_of_the_fhir_export_passes_firelys_r4_validator_without_an_error()
    {
        var (clinic, _) = await ClinicWithRepliesAsync();
        await using var _clinic = clinic;
        var file = Path.Combine(Path.GetTempPath(), "followup-export-" + Guid.NewGuid().ToString("N") + ".ndjson");
        var run = await Tool.RunAsync("followup-admin.dll", ["export", "--format", "fhir", "--out", file, "--connection", clinic.ConnectionString]);
        Assert.True(run.ExitCode == 0, run.Stderr);

        // The core R4 profiles from the specification package; no terminology server, so LOINC codes are checked
        // for form, not looked up (an information-level note, never an error).
        var resolver = new Hl7.Fhir.Specification.Source.CachedResolver(Hl7.Fhir.Specification.Source.ZipSource.CreateValidationSource());
        var validator = new Firely.Fhir.Validation.Validator(resolver, Hl7.Fhir.Specification.Terminology.LocalTerminologyService.CreateDefaultForCore(resolver));
        Assert.Contains(await File.ReadAllLinesAsync(file), l => l.Contains("\"resourceType\":\"Consent\"", StringComparison.Ordinal));
        var errors = (await File.ReadAllLinesAsync(file))
            .Select(l => JsonSerializer.Deserialize<Resource>(l, FhirExport.Json)!)
            .SelectMany(r => validator.Validate(r).Issue
                .Where(i => i.Severity is Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Error or Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Fatal)
                .Select(i => $"{r.TypeName}/{r.Id}: {i.Details?.Text} at {string.Join(", ", i.Expression)}"))
            .ToList();

        Assert.Empty(errors);
        // The validator is really judging: an Observation without its required status and code is refused.
        Assert.Contains(validator.Validate(new Observation()).Issue, i => i.Severity == Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Error);
    }
}
