using FollowUp.Alerts;
using FollowUp.Replies;

namespace FollowUp.Tests.Alerts;

/// <summary>The one self-harm list, no servers: built-in multilingual wording plus the clinic's own phrases.</summary>
public class CrisisWordsTests
{
    [Theory]
    [InlineData("Pain 6. Honestly some days I want to die.")]
    [InlineData("Schmerz 6, ich will manchmal nicht mehr leben")]
    [InlineData("Douleur 6, parfois j'ai envie d'en finir")]
    [InlineData("Dolor 6, a veces pienso en matarme")]
    public void A_built_in_phrase_in_each_language_is_self_harm_wording_for_the_inbox_and_the_alert_rule(string reply)
    {
        Assert.NotNull(CrisisWords.Default.FindFirst(reply));
        Assert.True(Answer.Parse(reply).Crisis);
        Assert.Equal(AlertKinds.Crisis, CrisisWords.Evaluate([new(28, 6, Text: reply)], new AlertOptions())?.Kind);
    }

    [Fact]
    public void A_clinic_phrase_is_added_to_the_built_in_list_not_put_in_its_place()
    {
        var clinic = CrisisWords.For(["Rather not be around"]);
        const string reply = "pain 5. I'd rather not be around, to be honest";

        Assert.Equal("rather not be around", clinic.FindFirst(reply));
        Assert.Null(CrisisWords.Default.FindFirst(reply));
        Assert.Equal("suicidal", clinic.FindFirst("feeling suicidal"));
        Assert.True(Answer.Parse(reply, crisisWords: clinic).Crisis);
        Assert.Equal(AlertKinds.Crisis, CrisisWords.Evaluate([new(28, 5, Text: reply)], new AlertOptions { SelfHarmPhrases = ["Rather not be around"] })?.Kind);
    }

    [Fact]
    public void One_normaliser_reads_case_punctuation_typographic_apostrophes_and_spacing_alike()
    {
        Assert.Equal("i don't want to live", CrisisWords.Normalize("  I DON\u2019T   want -- to live!! "));
        Assert.Equal("don't want to live", CrisisWords.Default.FindFirst("I DON\u2019T want\nto live."));
    }

    [Fact]
    public void A_clinic_phrase_without_a_word_in_it_is_refused_at_start_naming_its_key()
    {
        var errors = new AlertOptions { SelfHarmPhrases = ["hopeless", "--"] }.Validate().ToList();

        Assert.Equal(["FollowUp:Alerts:SelfHarmPhrases:1 must hold a word of at least 3 letters (was '--')."], errors);
    }
}
