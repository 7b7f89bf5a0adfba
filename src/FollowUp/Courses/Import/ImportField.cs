namespace FollowUp.Courses.Import;

/// <summary>What a column of a clinic's export means to FollowUp.</summary>
public enum ImportField
{
    PatientName,
    PatientEmail,
    TimeZone,
    Therapist,
    StartedOn,
    EndedOn,
    PainAtStart,
    PainAtEnd,
    ImportKey,
    PatientClinicId,
    Language,
    Consent,
    ConsentOn,
}

/// <summary>
/// Which header of the file holds which field. Clinic systems name their columns every way ("E-mail", "Client email",
/// "Date of last session"), so headers are compared without case, spaces or punctuation against built-in synonyms, and a
/// clinic whose export uses other words gives a column map file.
/// </summary>
public static class ImportColumns
{
    /// <summary>The snake_case name of a field, as used in a column map file and in reports.</summary>
    public static string Name(ImportField field) => field switch
    {
        ImportField.PatientName => "patient_name",
        ImportField.PatientEmail => "patient_email",
        ImportField.TimeZone => "time_zone",
        ImportField.Therapist => "therapist",
        ImportField.StartedOn => "started_on",
        ImportField.EndedOn => "ended_on",
        ImportField.PainAtStart => "pain_at_start",
        ImportField.PainAtEnd => "pain_at_end",
        ImportField.ImportKey => "import_key",
        ImportField.PatientClinicId => "patient_id",
        ImportField.Language => "language",
        ImportField.Consent => "consent",
        ImportField.ConsentOn => "consent_on",
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    public static bool TryParse(string name, out ImportField field)
    {
        foreach (var candidate in Enum.GetValues<ImportField>())
            if (Normalise(Name(candidate)) == Normalise(name)) { field = candidate; return true; }
        field = default;
        return false;
    }

    /// <summary>Header words seen in clinic and practice-management exports, already normalised.</summary>
    private static readonly Dictionary<ImportField, string[]> Synonyms = new()
    {
        [ImportField.PatientName] = ["patientname", "patient", "name", "fullname", "client", "clientname", "customer", "customername"],
        [ImportField.PatientEmail] = ["patientemail", "email", "emailaddress", "mail", "clientemail", "patientemailaddress", "clientemailaddress"],
        [ImportField.TimeZone] = ["timezone", "tz", "zone", "patienttimezone"],
        [ImportField.Therapist] = ["therapist", "therapistemail", "therapistname", "practitioner", "practitioneremail", "clinician", "masseur", "massagetherapist", "staff", "treatedby"],
        [ImportField.StartedOn] = ["startedon", "start", "startdate", "coursestart", "coursestartdate", "firstsession", "firstvisit", "dateoffirstsession", "from"],
        [ImportField.EndedOn] = ["endedon", "end", "enddate", "courseend", "courseenddate", "lastsession", "lastvisit", "dateoflastsession", "to"],
        [ImportField.PainAtStart] = ["painatstart", "painstart", "startpain", "initialpain", "baselinepain", "painbefore", "nrsstart", "nrsbefore", "painscorestart"],
        [ImportField.PainAtEnd] = ["painatend", "painend", "endpain", "finalpain", "painafter", "nrsend", "nrsafter", "painscoreend"],
        // The clinic's own identifier of the patient, as exports in English, German and French name it.
        [ImportField.PatientClinicId] = ["patientid", "patientnumber", "patientno", "patientnr", "mrn", "medicalrecordnumber", "clinicnumber", "clinicid",
            "clientid", "clientnumber", "patientennummer", "patientennr", "ndossier", "nodossier", "numerodossier", "numerodedossier", "numérodossier", "numérodedossier", "dossier"],
        // The patient's language, as clinic systems in each supported language head the column.
        [ImportField.Language] = ["language", "lang", "languagecode", "patientlanguage", "preferredlanguage", "languagepreference", "locale",
            "sprache", "patientensprache", "korrespondenzsprache", "langue", "languepreferee", "idioma", "idiomapreferido", "lingua",
            "linguapreferita", "taal", "voorkeurstaal", "idiomapreferencial"],
        // Whether (and how) the patient agreed to follow-up, as clinic systems in English, German, French and Spanish head it.
        [ImportField.Consent] = ["consent", "consentgiven", "patientconsent", "followupconsent", "consenttocontact", "emailconsent", "consentmethod",
            "optin", "einwilligung", "einverstandnis", "einverständnis", "zustimmung", "consentement", "accord", "consentimiento"],
        [ImportField.ConsentOn] = ["consenton", "consentdate", "dateofconsent", "consentgivenon", "consentedon", "einwilligungsdatum",
            "datumeinwilligung", "dateconsentement", "dateduconsentement", "fechaconsentimiento"],
        [ImportField.ImportKey] = ["importkey", "courseid", "courseref", "coursereference", "externalid", "referralid", "recordid", "episodeid"],
    };

    /// <summary>The columns every export must have (named by a synonym or in a column map).</summary>
    public static IReadOnlyList<ImportField> Required { get; } =
        [ImportField.PatientName, ImportField.PatientEmail, ImportField.Therapist, ImportField.StartedOn, ImportField.EndedOn, ImportField.PainAtStart];

    /// <summary>The header words read as <paramref name="field"/> (compared without case, spaces or punctuation), for the import page's help.</summary>
    public static IReadOnlyList<string> WordsFor(ImportField field) => Synonyms.TryGetValue(field, out var words) ? words : [];

    /// <summary>"Date of last session" and "date_of_last-session" are the same header.</summary>
    public static string Normalise(string header) =>
        new([.. header.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    /// <summary>
    /// The field each header index holds. The map file's entries win; then the synonyms; a header that means nothing
    /// to FollowUp is ignored (exports carry many columns), but two headers for one field are an error.
    /// </summary>
    public static (Dictionary<ImportField, int> Columns, List<string> Problems) Map(IReadOnlyList<string> headers, IReadOnlyDictionary<ImportField, string>? map)
    {
        var columns = new Dictionary<ImportField, int>();
        var problems = new List<string>();
        var taken = new HashSet<int>();
        foreach (var (field, header) in map ?? new Dictionary<ImportField, string>())
        {
            var index = IndexOf(headers, h => Normalise(h) == Normalise(header));
            if (index < 0) problems.Add($"the column map names column '{header}' for {Name(field)}, but the file has no such column");
            else { columns[field] = index; taken.Add(index); }
        }
        foreach (var (field, words) in Synonyms)
        {
            if (columns.ContainsKey(field)) continue;
            var matches = Enumerable.Range(0, headers.Count).Where(i => !taken.Contains(i) && words.Contains(Normalise(headers[i]))).ToList();
            if (matches.Count > 1)
                problems.Add($"columns {string.Join(" and ", matches.Select(i => $"'{headers[i]}'"))} could both be {Name(field)}; say which in a column map file");
            else if (matches.Count == 1) { columns[field] = matches[0]; taken.Add(matches[0]); }
        }
        return (columns, problems);
    }

    private static int IndexOf(IReadOnlyList<string> headers, Func<string, bool> match)
    {
        for (var i = 0; i < headers.Count; i++) if (match(headers[i])) return i;
        return -1;
    }
}
