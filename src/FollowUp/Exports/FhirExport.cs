using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FollowUp.Exports;

/// <summary>
/// The export as FHIR R4 NDJSON (one resource per line, Bulk Data style), built with Firely's SDK: a Patient per
/// patient, an Encounter per course (the course is what the follow-up is about; the replies point at it), a
/// QuestionnaireResponse per answered check-in with the patient's raw reply as text, and an Observation per value
/// (LOINC: pain 72514-3; PHQ-2 total 55758-7, items 44250-9 and 44255-8), each <c>derivedFrom</c> its response; and a
/// Consent per consent row (privacy consent to be contacted for follow-up: permit when given or renewed, deny when
/// withdrawn; the clinic's legal basis as its policy rule).
/// </summary>
public static class FhirExport
{
    public const string System = "https://followup.invalid/fhir";
    private const string Loinc = "http://loinc.org";

    /// <summary>Serializer options of the SDK for R4 POCOs (also what a reader parses the file back with).</summary>
    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static IEnumerable<Resource> Resources(ExportSet set)
    {
        foreach (var patient in set.Courses.GroupBy(c => c.PatientId).Select(g => g.First()))
            yield return new Patient
            {
                Id = $"patient-{patient.PatientId}",
                Identifier = [new Identifier(System + "/patient", patient.PatientId.ToString(CultureInfo.InvariantCulture))],
                Name = [new HumanName { Text = patient.PatientName }],
                Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, patient.PatientEmail)],
            };
        foreach (var course in set.Courses)
            yield return new Encounter
            {
                Id = $"course-{course.Id}",
                Identifier = [new Identifier(System + "/course", course.Id.ToString(CultureInfo.InvariantCulture))],
                Status = course.Status == "withdrawn" ? Encounter.EncounterStatus.Cancelled : Encounter.EncounterStatus.Finished,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
                Type = [new CodeableConcept { Text = "massage therapy course" }],
                Subject = new ResourceReference($"Patient/patient-{course.PatientId}"),
                Period = new Period { Start = course.StartedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), End = course.EndedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            };
        foreach (var k in set.Consents)
            yield return new Consent
            {
                Id = $"consent-{k.Id}",
                Identifier = [new Identifier(System + "/consent", k.Id.ToString(CultureInfo.InvariantCulture))],
                // A withdrawal is its own record: the consent it ends stays in the history as it was.
                Status = Consent.ConsentState.Active,
                Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy Consent"),
                Category = [new CodeableConcept(Loinc, "59284-0", "Patient Consent")],
                Patient = new ResourceReference($"Patient/patient-{k.PatientId}"),
                DateTimeElement = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(k.RecordedAt, DateTimeKind.Utc))),
                PolicyRule = new CodeableConcept(System + "/legal-basis", k.Basis ?? "unknown", k.Basis ?? "unknown"),
                Provision = new Consent.provisionComponent
                {
                    Type = k.Event == "withdrawn" ? Consent.ConsentProvisionType.Deny : Consent.ConsentProvisionType.Permit,
                    Action = [new CodeableConcept { Text = $"email follow-up check-ins ({k.Event}, {k.Method})" }],
                },
            };
        // The latest reply per check-in is the answer (a second reply corrects the first), as in the assessment.
        foreach (var reply in set.Replies.GroupBy(r => r.CheckInId).Select(g => g.OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id).Last()))
        {
            var response = $"reply-{reply.Id}";
            var when = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(reply.ReceivedAt, DateTimeKind.Utc)));
            var items = new List<QuestionnaireResponse.ItemComponent>();
            if (reply.Pain is { } pain) items.Add(Item("pain", "Pain 0-10", new Integer(pain)));
            if (reply.Phq2A is { } a) items.Add(Item("phq2-a", "Little interest or pleasure in doing things (0-3)", new Integer(a)));
            if (reply.Phq2B is { } b) items.Add(Item("phq2-b", "Feeling down, depressed, or hopeless (0-3)", new Integer(b)));
            if (reply.MoodScore is { } mood) items.Add(Item("mood", "Mood 0-10 (10 = very good)", new Integer(mood)));
            else if (reply.MoodWord is { } word) items.Add(Item("mood", "Mood", new FhirString(word)));
            items.Add(Item("reply-text", "The patient's reply as written", new FhirString(reply.AnswerText ?? "")));
            yield return new QuestionnaireResponse
            {
                Id = response,
                Identifier = new Identifier(System + "/check-in", reply.CheckInId.ToString(CultureInfo.InvariantCulture)),
                Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                Subject = new ResourceReference($"Patient/patient-{reply.PatientId}"),
                Encounter = new ResourceReference($"Encounter/course-{reply.CourseId}"),
                AuthoredElement = when,
                Item = items,
            };
            Observation Observe(string id, string code, string display, DataType value) => new()
            {
                Id = $"{response}-{id}",
                Status = ObservationStatus.Final,
                Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "survey")],
                Code = new CodeableConcept(Loinc, code, display),
                Subject = new ResourceReference($"Patient/patient-{reply.PatientId}"),
                Encounter = new ResourceReference($"Encounter/course-{reply.CourseId}"),
                Effective = when,
                Value = value,
                DerivedFrom = [new ResourceReference($"QuestionnaireResponse/{response}")],
            };
            if (reply.Pain is { } p) yield return Observe("pain", "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported", new Integer(p));
            if (reply.Phq2A is { } itemA) yield return Observe("phq2-a", "44250-9", "Little interest or pleasure in doing things", new Integer(itemA));
            if (reply.Phq2B is { } itemB) yield return Observe("phq2-b", "44255-8", "Feeling down, depressed, or hopeless", new Integer(itemB));
            if (reply is { Phq2A: { } ta, Phq2B: { } tb })
                yield return Observe("phq2", "55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]", new Integer(ta + tb));
        }
    }

    /// <summary>Writes the resources one per line (NDJSON).</summary>
    public static async System.Threading.Tasks.Task WriteAsync(ExportSet set, TextWriter writer, CancellationToken cancellationToken)
    {
        foreach (var resource in Resources(set))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(JsonSerializer.Serialize(resource, resource.GetType(), Json));
            await writer.WriteAsync('\n');
        }
    }

    private static QuestionnaireResponse.ItemComponent Item(string linkId, string text, DataType value) =>
        new() { LinkId = linkId, Text = text, Answer = [new QuestionnaireResponse.AnswerComponent { Value = value }] };
}
