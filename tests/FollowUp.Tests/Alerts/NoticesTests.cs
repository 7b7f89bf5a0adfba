using Dapper;
using FollowUp.Alerts;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Alerts;

/// <summary>The low notices of the sending side (not sent, unreachable): one open notice of a kind per course.</summary>
public class NoticesTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_repeated_failure_leaves_one_open_notice_per_kind_not_sent_with_the_latest_reason_unreachable_with_the_first()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var courseId = await clinic.EnrolAsync("Dana");
        await using var db = await clinic.Data.OpenConnectionAsync();
        var patientId = await db.ExecuteScalarAsync<long>("SELECT patient_id FROM courses WHERE id = @courseId", new { courseId });

        await using (var transaction = await db.BeginTransactionAsync())
        {
            await NotSent.RaiseAsync(db, transaction, courseId, 1, "the text template does not parse", Monday, default);
            await NotSent.RaiseAsync(db, transaction, courseId, 1, "the text grows past 100000 characters", Monday.AddHours(1), default);
            await transaction.CommitAsync();
        }
        await Unreachable.MarkAsync(db, null, patientId, "550 5.1.1 no such user", Monday, default);
        await Unreachable.MarkAsync(db, null, patientId, "550 5.7.1 refused", Monday.AddHours(1), default);

        var open = (await db.QueryAsync<(string Kind, string Severity, string Reason)>(
            "SELECT kind, severity, reason FROM alerts WHERE course_id = @courseId AND status = 'open' ORDER BY kind", new { courseId })).ToList();
        Assert.Equal(["not_sent", "unreachable"], open.Select(a => a.Kind));
        Assert.All(open, a => Assert.Equal("low", a.Severity));
        Assert.Equal("A check-in could not be sent: the text grows past 100000 characters. A clinic admin must fix schedule 1 (followup-admin schedule validate 1)", open[0].Reason);
        Assert.Equal("Patient unreachable by email: 550 5.1.1 no such user", open[1].Reason);
    }
}
