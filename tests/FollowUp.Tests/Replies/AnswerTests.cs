using FollowUp.Replies;

namespace FollowUp.Tests.Replies;

public class AnswerTests
{
    [Theory]
    [InlineData("Pain 6, mood low", 6, null, "low")]
    [InlineData("pain: 6/10", 6, null, null)]
    [InlineData("6", 6, null, null)]
    [InlineData("six", 6, null, null)]
    [InlineData("pain is about a 6 today", 6, null, null)]
    [InlineData("Pain 7 mood 3", 7, 3, null)]
    [InlineData("PAIN 0, MOOD GOOD", 0, null, "good")]
    [InlineData("Pain is about a 5, mood okay", 5, null, "okay")]
    [InlineData("pain 3 - mood good, thanks", 3, null, "good")]
    public void Common_ways_of_giving_pain_and_mood_are_understood(string text, int? pain, int? moodScore, string? moodWord)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(pain, answer.Pain);
        Assert.Equal(moodScore, answer.MoodScore);
        Assert.Equal(moodWord, answer.MoodWord);
        Assert.False(answer.OptOut);
    }

    [Theory]
    [InlineData("Pain 12")]
    [InlineData("pain 6.5")]
    [InlineData("I walked 3 miles today")]
    [InlineData("not sure")]
    public void Numbers_out_of_range_or_without_context_are_not_guessed(string text)
    {
        Assert.Null(Answer.Parse(text).Pain);
    }

    [Theory]
    [InlineData("STOP", null)]
    [InlineData("  stop. ", null)]
    [InlineData("Unsubscribe", null)]
    [InlineData("", "Re: STOP")]
    public void Stop_in_the_body_or_the_subject_is_an_opt_out(string text, string? subject)
    {
        Assert.True(Answer.Parse(text, subject).OptOut);
    }

    [Fact]
    public void Stop_inside_a_sentence_is_not_an_opt_out()
    {
        Assert.False(Answer.Parse("Pain 4, the ache will not stop").OptOut);
    }
}
