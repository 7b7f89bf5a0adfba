using FollowUp.Web.Pages.Reports;

namespace FollowUp.Tests.Web;

/// <summary>The audit page's words for a stored detail: what changed, before → after; the rest as it is.</summary>
public class AuditWordsTests
{
    [Fact]
    public void A_changed_role_reads_as_before_and_after_and_unchanged_fields_are_left_out()
    {
        var lines = AuditModel.Describe("""{"before": {"email": "sam@clinic.test", "role": "therapist", "name": null}, "after": {"email": "sam@clinic.test", "role": "lead", "name": "Sam"}}""");

        Assert.Equal(["role: therapist → lead", "name: – → Sam"], lines);
    }

    [Fact]
    public void A_detail_without_before_and_after_lists_its_facts_and_lists_read_as_words()
    {
        Assert.Equal(["page: send log", "courses: 1, 2"], AuditModel.Describe("""{"page": "send log", "courses": [1, 2]}"""));
        Assert.Equal(["name: Ada", "role: admin", "source: web"], AuditModel.Describe("""{"before": null, "after": {"name": "Ada", "role": "admin"}, "source": "web"}"""));
    }

    [Fact]
    public void A_nested_record_in_a_detail_reads_as_its_fields_and_not_as_json()
    {
        Assert.Equal(["consent: by –; basis verbal; on 2026-10-01"], AuditModel.Describe("""{"consent": {"by": null, "basis": "verbal", "on": "2026-10-01"}}"""));
    }
}
