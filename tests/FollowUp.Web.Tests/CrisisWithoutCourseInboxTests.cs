using System.Net;
using Dapper;

namespace FollowUp.Tests.Web;

public sealed class CrisisWithoutCourseInboxTests
{
    [Fact]
    public async Task Self_harm_wording_from_no_patient_is_in_the_leads_alert_inbox_and_no_therapists()
    {
        await using var clinic = await WebClinic.OpenAsync();
        long alertId;
        await using (var db = await clinic.Clinic.Data.OpenConnectionAsync())
        {
            var inbound = await db.ExecuteScalarAsync<long>("""
                INSERT INTO inbound_messages (mailbox, uid_validity, uid, received_at, outcome, raw_headers, body_text, folder, from_address, subject)
                VALUES ('INBOX', 1, 77, now(), 'not_matched', '', 'I do not want to be here any more', 'Unmatched', 'stranger@example.org', 'hello')
                RETURNING id
                """);
            alertId = await db.ExecuteScalarAsync<long>("""
                INSERT INTO alerts (course_id, inbound_message_id, kind, severity, reason, raised_at, notify_status, updated_at)
                VALUES (NULL, @inbound, 'crisis', 'high', 'Self-harm wording in a message from no patient', now(), 'sent', now()) RETURNING id
                """, new { inbound });
        }
        using var lead = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(lead, clinic.Lead);
        using var amy = clinic.Web.NewBrowser();
        await clinic.Web.SignInAsync(amy, clinic.Amy);

        var leadsInbox = await lead.GetAsync("/alerts");
        var amysInbox = await amy.GetAsync("/alerts");
        var amysAck = await amy.PostAsync($"/alerts/{alertId}/ack", new Dictionary<string, string> { ["note"] = "seen" }, "/alerts");
        Assert.Equal("open", await clinic.AlertStatusAsync(alertId));
        var leadsAck = await lead.PostAsync($"/alerts/{alertId}/ack", new Dictionary<string, string> { ["note"] = "called the sender" }, "/alerts");

        Assert.Contains("Message from no patient", leadsInbox.Body, StringComparison.Ordinal);
        Assert.Contains("stranger@example.org", leadsInbox.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("stranger@example.org", amysInbox.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, amysAck.Status);
        Assert.Equal(HttpStatusCode.Redirect, leadsAck.Status);
        Assert.Equal("acknowledged", await clinic.AlertStatusAsync(alertId));
    }
}
