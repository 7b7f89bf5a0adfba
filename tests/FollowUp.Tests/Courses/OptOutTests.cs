using Dapper;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Courses;

/// <summary>An opt-out belongs to the address: a new course for someone who said STOP needs their renewed consent.</summary>
public class OptOutTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstCheckInDue = new(2026, 11, 9, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Enrolling_an_address_that_replied_stop_is_refused_unless_the_admin_records_renewed_consent()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        await clinic.EnrolAsync("Olga");
        clinic.Clock.SetUtcNow(FirstCheckInDue);
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(clinic.Address("olga")).WaitForAsync(1)).Single();
        var stop = Clinic.ReplyTo(checkIn, clinic.Address("olga"), "Re: " + checkIn.Subject, "STOP");
        await Clinic.SendAsync(stop);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);
        await clinic.Inbox.ReadAsync(default);
        var env = Tool.AsEnvironment(Clinic.Settings(clinic.ConnectionString, clinic.Domain));
        string[] enrol =
        [
            "course", "enrol", "--patient-name", "Olga", "--patient-email", clinic.Address("olga"), "--time-zone", "Europe/London",
            "--therapist-email", clinic.Address("therapist"), "--started-on", "2026-10-20", "--ended-on", "2026-11-09",
            "--pain-at-start", "7", "--now", "2026-11-10T10:00:00Z",
        ];

        var refused = await Tool.RunAsync("followup-admin.dll", enrol, env);
        var consented = await Tool.RunAsync("followup-admin.dll", [.. enrol, "--renewed-consent", "asked by phone on 10 Nov, agreed"], env);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"patient email '{clinic.Address("olga")}' replied STOP on 2026-11-09: enrol it again only with the patient's renewed consent", refused.Stderr, StringComparison.Ordinal);
        Assert.True(consented.ExitCode == 0, consented.Stderr);
        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal(2, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM courses"));
        Assert.Equal("asked by phone on 10 Nov, agreed",
            await db.ExecuteScalarAsync<string>("SELECT detail->>'consent' FROM audit_log WHERE kind = 'patient.consent_renewed'"));
    }
}
