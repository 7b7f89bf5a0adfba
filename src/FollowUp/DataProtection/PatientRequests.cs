namespace FollowUp.DataProtection;

/// <summary>
/// A patient's requests about their data, for the admin tool and the web face: a copy of everything held about them,
/// and its erasure. (Public face of the internal export and erasure, registered by a factory in DataProtectionFeature.)
/// </summary>
public sealed class PatientRequests
{
    private readonly PatientExport _export;
    private readonly PatientErasure _erasure;

    internal PatientRequests(PatientExport export, PatientErasure erasure)
    {
        _export = export;
        _erasure = erasure;
    }

    /// <summary>Writes the patient's archive to <paramref name="path"/> (which must not exist).</summary>
    public Task<PatientExportReport> ExportAsync(string patient, string path, string actor, CancellationToken cancellationToken) =>
        _export.ExportAsync(patient, path, actor, cancellationToken);

    /// <summary>Erases the patient; refused while an alert about them is open unless <paramref name="force"/>.</summary>
    public Task<ErasureReport> EraseAsync(string patient, bool force, string actor, CancellationToken cancellationToken) =>
        _erasure.EraseAsync(patient, force, actor, cancellationToken);
}
