using Dapper;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Replies;

/// <summary>A person may say "holiday" in a subject: only an away text (or the RFC 3834 headers) makes an auto-reply.</summary>
public class HolidaySubjectTests
{
    [Fact]
    public async Task A_genuine_answer_whose_subject_says_back_from_holiday_is_stored_as_the_answer()
    {
        await using var clinic = await Clinic.OpenAsync(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero));
        await clinic.EnrolAsync("Hana");
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));
        await clinic.Dispatch.SendDueAsync(default);
        var checkIn = (await new Mailbox(clinic.Address("hana")).WaitForAsync(1)).Single();
        var reply = Clinic.ReplyTo(checkIn, clinic.Address("hana"), "Re: " + checkIn.Subject + " (sorry, late - I was on holiday)", "Back from holiday now, sorry for the delay.\nPain 3, mood good");
        await Clinic.SendAsync(reply);
        await new Mailbox(clinic.RepliesAddress).WaitForAsync(1);

        await clinic.Inbox.ReadAsync(default);

        await using var db = await clinic.Data.OpenConnectionAsync();
        Assert.Equal("answer", await db.ExecuteScalarAsync<string>("SELECT outcome FROM inbound_messages"));
        Assert.Equal(3, await db.ExecuteScalarAsync<int?>("SELECT pain FROM replies"));
    }
}
