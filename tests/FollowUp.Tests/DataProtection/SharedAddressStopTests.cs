using Dapper;
using FollowUp.Courses;
using FollowUp.Tests.Support;
using MimeKit;

namespace FollowUp.Tests.DataProtection;

/// <summary>
/// STOP from an address two patients share (a family's), on the real servers: the reply token says whose check-in was
/// answered, so a STOP with it ends that patient's follow-up only; a STOP without token or thread cannot say whose, and
/// the mail to that address must stop all the same, so it ends every follow-up at the address.
/// </summary>
public class SharedAddressStopTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_STOP_with_a_token_stops_only_its_patient_and_a_bare_STOP_from_a_shared_address_stops_every_patient_at_it()
    {
        await using var clinic = await Clinic.OpenAsync(Monday);
        var byrons = clinic.Address("byron.family");
        var curies = clinic.Address("curie.family");
        var today = DateOnly.FromDateTime(Monday.UtcDateTime);
        foreach (var (name, email, number) in new[] { ("Ada Byron", byrons, "B-1"), ("Ada Byron", byrons, "B-2"), ("Marie Curie", curies, "C-1"), ("Irene Curie", curies, "C-2") })
            await clinic.Enrolment.EnrolAsync(new Enrolment
            {
                PatientName = name, PatientEmail = email, PatientClinicId = number, TimeZone = "Europe/London", TherapistEmail = clinic.Address("therapist"),
                StartedOn = today.AddDays(-35), EndedOn = today, PainAtStart = 8, PainAtEnd = 3,
                Consent = new FollowUp.DataProtection.EnrolmentConsent("in_person", today, null, null),
            }, default);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(4, (await clinic.Dispatch.SendDueAsync(default)).Sent);
        await using var db = await clinic.Data.OpenConnectionAsync();
        var b1 = await db.ExecuteScalarAsync<string>("""
            SELECT ci.message_id FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id WHERE p.clinic_id = 'B-1' AND ci.sent_at IS NOT NULL
            """);
        var checkIn = (await new Mailbox(byrons).WaitForAsync(2)).Single(m => "<" + m.MessageId + ">" == b1 || m.MessageId == b1);
        await Clinic.SendAsync(Clinic.ReplyTo(checkIn, byrons, "Re: " + checkIn.Subject, "STOP"));
        var bare = new MimeMessage { Subject = "STOP" };
        bare.From.Add(MailboxAddress.Parse(curies));
        bare.To.Add(MailboxAddress.Parse(clinic.RepliesAddress));
        bare.Body = new TextPart("plain") { Text = "STOP" };
        await Clinic.SendAsync(bare);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(2);

        await clinic.Inbox.ReadAsync(default);
        await clinic.Dispatch.SendDueAsync(default);

        var stopped = (await db.QueryAsync<(string Number, bool Stopped, int Withdrawn)>("""
            SELECT p.clinic_id, p.opted_out_at IS NOT NULL, (SELECT count(*) FROM consents k WHERE k.patient_id = p.id AND k.event = 'withdrawn')::int
            FROM patients p ORDER BY p.clinic_id
            """)).ToList();
        Assert.Equal([("B-1", true, 1), ("B-2", false, 0), ("C-1", true, 1), ("C-2", true, 1)], stopped);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("""
            SELECT count(*) FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id
            WHERE p.clinic_id IN ('B-1', 'C-1', 'C-2') AND ci.status = 'planned'
            """));
        Assert.True(await db.ExecuteScalarAsync<int>("""
            SELECT count(*) FROM check_ins ci JOIN courses c ON c.id = ci.course_id JOIN patients p ON p.id = c.patient_id WHERE p.clinic_id = 'B-2' AND ci.status = 'planned'
            """) > 0);
        // Each address hears once that its STOP was heard.
        Assert.Single(await new Mailbox(curies).WaitForAsync(3), m => m.MessageId!.StartsWith("stopped.", StringComparison.Ordinal));
        Assert.Single(await new Mailbox(byrons).WaitForAsync(3), m => m.MessageId!.StartsWith("stopped.", StringComparison.Ordinal));
    }
}
