using System.Net;

namespace FollowUp.Tests.Web;

public partial class AdminFormTests
{
    [Fact]
    public async Task A_form_sent_twice_says_it_was_already_sent_and_not_that_something_must_be_corrected()
    {
        await using var clinic = await WebClinic.OpenAsync();
        using var admin = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(admin, clinic.Admin);
        var key = Key().Match((await admin.GetAsync("/admin/schedules/edit?name=default")).Body).Groups[1].Value;
        var form = ScheduleForm(key, editing: "default");

        await admin.PostAsync("/admin/schedules/edit", form, "/admin/schedules/edit?name=default");
        var second = await admin.PostAsync("/admin/schedules/edit", form, "/admin/schedules/edit?name=default");

        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Contains("<strong>Already sent.</strong> This form was already sent", second.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Not saved.", second.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Correct this", second.Body, StringComparison.Ordinal);
    }
}
