using FollowUp.Replies;

namespace FollowUp.Tests.Replies;

/// <summary>Authentication-Results as real receiving servers write them, and as a forger would.</summary>
public class SenderProofTests
{
    private const string Ours = "mx.clinic.example";

    private static SenderProof Decide(string from, params string[] results) =>
        SenderVerification.Decide(results.Select(r => ("Authentication-Results", r)), from, Ours);

    [Fact]
    public void A_header_is_parsed_with_comments_versions_and_quoted_values()
    {
        var parsed = AuthenticationResults.Parse("""
            mx.clinic.example 1; spf=pass (sender SPF authorized) smtp.mailfrom=dana@example.org;
             dkim=pass (2048-bit key; unprotected) header.d=example.org header.s="s1" header.b=AbC1;
             dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.org
            """);

        Assert.NotNull(parsed);
        Assert.Equal("mx.clinic.example", parsed.AuthServId);
        Assert.Equal(["spf", "dkim", "dmarc"], parsed.Results.Select(r => r.Method));
        Assert.All(parsed.Results, r => Assert.Equal("pass", r.Result));
        Assert.Equal("s1", parsed.Results[1].Properties["header.s"]);
        Assert.Empty(AuthenticationResults.Parse("mx.clinic.example; none")!.Results);
        Assert.Null(AuthenticationResults.Parse("; dkim=pass"));
    }

    [Fact]
    public void Our_servers_aligned_pass_verifies_the_sender()
    {
        Assert.Equal(SenderProof.Verified, Decide("dana@example.org", $"{Ours}; dmarc=pass header.from=example.org"));
        Assert.Equal(SenderProof.Verified, Decide("dana@mail.example.org", $"{Ours}; dkim=pass header.d=example.org"));
        Assert.Equal(SenderProof.Verified, Decide("Dana@Example.ORG", $"{Ours}; spf=pass smtp.mailfrom=bounce@example.org"));
    }

    [Fact]
    public void A_stranger_header_claiming_a_pass_is_ignored()
    {
        // The forger writes their own header, with their id or with ours below the one our server prepended.
        Assert.Equal(SenderProof.Unverifiable, Decide("dana@example.org", "mx.forger.example; dmarc=pass header.from=example.org"));
        Assert.Equal(SenderProof.Forged, Decide("dana@example.org",
            $"{Ours}; dmarc=fail header.from=example.org", $"{Ours}; dmarc=pass header.from=example.org"));
        Assert.Equal(SenderProof.Unverifiable, Decide("dana@example.org"));
    }

    [Fact]
    public void A_pass_for_another_domain_does_not_speak_for_the_from_domain()
    {
        Assert.Equal(SenderProof.Unverifiable, Decide("dana@example.org", $"{Ours}; dkim=pass header.d=forger.example; spf=pass smtp.mailfrom=x@forger.example"));
        // A public suffix is not an organisation: co.uk does not align with example.co.uk.
        Assert.Equal(SenderProof.Unverifiable, Decide("dana@example.co.uk", $"{Ours}; dkim=pass header.d=co.uk"));
        Assert.Equal(SenderProof.Unverifiable, Decide("dana@example.org", $"{Ours}; dkim=fail header.d=example.org; spf=softfail smtp.mailfrom=example.org"));
    }

    [Fact]
    public void Dmarc_fail_for_the_from_domain_is_a_forgery_even_with_a_dkim_pass_elsewhere()
    {
        Assert.Equal(SenderProof.Forged, Decide("dana@example.org", $"{Ours}; dkim=pass header.d=forger.example; dmarc=fail (p=none) header.from=example.org"));
    }
}
