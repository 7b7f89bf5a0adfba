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

    [Theory]
    [InlineData("1 2", 1, 2)]
    [InlineData("a: 1, b: 2", 1, 2)]
    [InlineData("Pain 4 mood 6\n0, 3", 0, 3)]
    [InlineData("A) 2 B) 0", 2, 0)]
    [InlineData("a: 1", 1, null)]
    public void Phq2_answers_are_read_as_two_items_of_0_to_3(string text, int? a, int? b)
    {
        var answer = Answer.Parse(text);

        Assert.Equal((a, b), (answer.Phq2A, answer.Phq2B));
    }

    [Theory]
    [InlineData("4 5")]
    [InlineData("a: 7, b: 1")]
    public void Phq2_answers_out_of_range_are_not_stored(string text)
    {
        var answer = Answer.Parse(text);

        Assert.Null(answer.Phq2A);
        Assert.NotEmpty(answer.Doubts);
    }

    [Theory]
    [InlineData("pain 3, later pain 7")]
    [InlineData("pain 3-4")]
    [InlineData("pain 3 or 4")]
    [InlineData("pain 11")]
    public void Contradictory_or_ranged_pain_is_left_empty_with_the_reason(string text)
    {
        var answer = Answer.Parse(text);

        Assert.Null(answer.Pain);
        Assert.NotEmpty(answer.Doubts);
    }

    [Theory]
    [InlineData("Pain 6, mood good", AnswerStatus.Complete)]
    [InlineData("Pain 6", AnswerStatus.Partial)]
    [InlineData("mood low", AnswerStatus.Partial)]
    [InlineData("1 2", AnswerStatus.Partial)]
    [InlineData("no idea", AnswerStatus.Unclear)]
    public void An_answer_is_complete_partial_or_unclear(string text, AnswerStatus status)
    {
        Assert.Equal(status, Answer.Parse(text).Status);
    }

    [Theory]
    [InlineData("Pain 3. Some days I want to kill myself.")]
    [InlineData("I'm thinking of ending it all")]
    [InlineData("I don\u2019t want to live anymore")]
    [InlineData("honestly, i dont want to live like this")]
    [InlineData("I do not want to be alive")]
    [InlineData("feeling suicidal")]
    [InlineData("I've been self-harming again")]
    [InlineData("They'd be better off dead without me")]
    [InlineData("Ich will nicht mehr leben")]
    [InlineData("je veux en finir")]
    [InlineData("no quiero vivir")]
    public void Self_harm_wording_in_any_of_its_forms_is_flagged_whatever_the_numbers(string text)
    {
        Assert.True(Answer.Parse(text).Crisis, text);
    }

    [Theory]
    [InlineData("Pain 2, mood good. The pain is killing me less now.")]
    [InlineData("I'd kill for a massage")]
    [InlineData("I could end it all with one more session, ha")]
    public void Ordinary_figures_of_speech_are_flagged_only_when_they_use_a_listed_phrase(string text)
    {
        // The list errs on the side of a person reading the reply: "end it all" is flagged even in jest.
        Assert.Equal(text.Contains("end it all", StringComparison.Ordinal), Answer.Parse(text).Crisis);
    }
}
