using FollowUp.Replies;

namespace FollowUp.Tests.Replies;

/// <summary>
/// Classes of phrasing found in replies the corpus had never seen, each in every answering language: the level stated
/// without a label, a zero word by the label, a correction in two words, a typo owned up to, the mood after "I am" or
/// as a sentence of its own, the PHQ-2 items by their number or as a numbered list, an hour, a weekday with a time, a
/// day of the month or a span of hours or tablets beside the answer, German typed without umlauts. Each is read, and
/// the doubtful shapes beside them are still left for a clarification.
/// </summary>
public class UnseenClassesTests
{
    [Theory]
    [InlineData("It's a 5 today but manageable", 5)]
    [InlineData("I'm at 3, the stretches help", 3)]
    [InlineData("Ich bin so bei 4 heute.", 4)]
    [InlineData("Salut, chu à 7 à matin, j'ai pelleté hier", 7)]
    [InlineData("Hola, hoy tengo un 7, re contracturada", 7)]
    [InlineData("Oggi male a 6, sono stanca", 6)]
    [InlineData("Amai, 'k zit aan 7 vandaag.", 7)]
    [InlineData("Hoje dói a 6", 6)]
    public void A_level_stated_without_a_pain_label_is_the_pain(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Thanks - it's a 5 star clinic")]
    [InlineData("Tengo un 5 o un 6, no sé")]
    [InlineData("'k zit aan 3 weken oefeningen")]
    public void A_level_phrase_before_a_thing_counted_or_a_choice_stores_no_pain(string text) =>
        Assert.Null(Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Pain: none today. Mood: good", 0)]
    [InlineData("Null Schmerzen heute, Laune bestens", 0)]
    [InlineData("Douleur : aucune aujourd'hui", 0)]
    [InlineData("j'ai plus mal du tout, moral ok", 0)]
    [InlineData("Dolor: ninguno hoy", 0)]
    [InlineData("Dolore: nessuno oggi", 0)]
    [InlineData("Pijn: geen vandaag", 0)]
    [InlineData("zero dores hoje", 0)]
    public void A_zero_word_by_the_pain_label_or_before_today_is_no_pain(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Pain 7, sorry, I mean 5", 5)]
    [InlineData("Schmerz 4 – nein, eher 5, nach dem Treppensteigen", 5)]
    [InlineData("Douleur 6... enfin non, plutôt 5", 5)]
    [InlineData("Dolor 8, perdón, quise decir 6", 6)]
    [InlineData("Dolore 7, no scusa, volevo dire 4", 4)]
    [InlineData("Pijn 6, nee sorry, ik bedoel 3", 3)]
    [InlineData("Dor 5, desculpa, quer dizer 2", 2)]
    public void A_number_taken_back_in_two_correction_words_counts_the_number_meant(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Fact]
    public void A_weak_number_word_after_a_correction_not_taken_back_stores_no_pain() =>
        Assert.Null(Answer.Parse("drei, so ein Mist, ich meine acht").Pain);

    [Theory]
    [InlineData("Pain 8\nsorry, meant to type 3. Mood good", 3)]
    [InlineData("Schmerz 6, sorry, Tippfehler, gemeint war 4", 4)]
    [InlineData("Douleur 7, désolé, je voulais écrire 3. Moral ok", 3)]
    [InlineData("Dolor 8, perdón, quería poner 5.", 5)]
    [InlineData("Dolore 6, scusa, volevo scrivere 2", 2)]
    [InlineData("Pijn 9 — sorry, tikfout, moet 4 zijn. Stemming goed", 4)]
    [InlineData("Dor 7 — desculpe, queria escrever 3. Humor bom", 3)]
    public void A_typo_owned_up_to_with_the_number_meant_counts_the_number_meant(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Fact]
    public void An_apology_and_a_maybe_before_another_number_stores_no_pain() =>
        Assert.Null(Answer.Parse("Pain 6, sorry, maybe 5").Pain);

    [Fact]
    public void An_apology_before_a_count_of_things_keeps_the_pain_given() =>
        Assert.Equal(6, Answer.Parse("Pijn 6, sorry, moet 3 keer per dag oefenen").Pain);

    [Theory]
    [InlineData("Pain 3, sore since the 12 when I lifted a box", 3)]
    [InlineData("Schmerz 4, seit dem 12 schlechter", 4)]
    [InlineData("Douleur 5, je boite depuis le 12", 5)]
    [InlineData("Dolor 6. Ánimo bajo, mi padre está ingresado desde el día 14.", 6)]
    [InlineData("Dolore 4, il giorno 20 ho la visita", 4)]
    [InlineData("Pijn 3, sinds de 15 wat stijver", 3)]
    [InlineData("Dor 5, o dia 18 tenho consulta", 5)]
    public void A_day_of_the_month_beside_the_pain_leaves_the_pain_read(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Pain 4, sleeping 5 or 6 hours", 4)]
    [InlineData("Schmerz 3, schlafe nur 5 bis 6 Stunden", 3)]
    [InlineData("Douleur 4, je marche 2 à 3 heures", 4)]
    [InlineData("Dolor 5, ibuprofeno de 8 en 8 horas", 5)]
    [InlineData("Dolore 6, tachipirina di 8 in 8 ore", 6)]
    [InlineData("Pijn 2, slaap 6-7 uur per nacht", 2)]
    [InlineData("Dor 7, Brufen de 8 em 8 horas", 7)]
    public void A_span_or_a_rate_of_things_counted_beside_the_pain_leaves_the_pain_read(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Fact]
    public void Two_numbers_joined_before_no_thing_counted_stay_a_choice() =>
        Assert.Null(Answer.Parse("Pijn 5 of 6 vandaag").Pain);

    [Theory]
    [InlineData("Pain 3\nMood okay\n1) 1\n2) 0", 1, 0)]
    [InlineData("Schmerz: 4\nStimmung: gedrückt\n1. 2\n2. 2", 2, 2)]
    [InlineData("Douleur 2\nMoral bon\n1) 0\n2) 0", 0, 0)]
    [InlineData("Dolor: 5\nÁnimo: bajo\n1) 2\n2) 1", 2, 1)]
    [InlineData("Dolore 6\nUmore giù\n1) 3\n2) 2", 3, 2)]
    [InlineData("Pijn 3\nStemming goed\n1: 1\n2: 1", 1, 1)]
    [InlineData("Dor 4\nHumor em baixo\n1) 2\n2) 3", 2, 3)]
    public void A_numbered_list_under_the_pain_and_the_mood_is_the_phq2(string text, int interest, int down)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(interest, answer.Phq2A);
        Assert.Equal(down, answer.Phq2B);
    }

    [Theory]
    [InlineData("1) 5\n2) good")]
    [InlineData("Pain 3, mood good\n1) 2 or 3")]
    public void A_numbered_line_without_pain_and_mood_read_first_or_with_more_on_it_is_no_phq2(string text) =>
        Assert.Null(Answer.Parse(text).Phq2A);

    [Theory]
    [InlineData("Pain 3, I'm a bit low.", "low")]
    [InlineData("Schmerz 2, ich bin gut drauf", "good")]
    [InlineData("Douleur 2, je vais bien", "good")]
    [InlineData("Dolor 3, estoy regular.", "okay")]
    [InlineData("Dolore 4, sono giù", "low")]
    [InlineData("Pijn 3, ik ben wat somber.", "low")]
    [InlineData("Dor 5, ando em baixo", "low")]
    public void A_mood_word_after_I_am_is_the_mood(string text, string mood) =>
        Assert.Equal(mood, Answer.Parse(text).MoodWord);

    [Theory]
    [InlineData("I'm down to 2 tablets a day, pain 3")]
    [InlineData("Dolor 3, estoy mal de la espalda")]
    public void I_am_before_a_mood_word_that_does_not_close_its_clause_says_no_mood(string text) =>
        Assert.Null(Answer.Parse(text).MoodWord);

    [Theory]
    [InlineData("Pain 8 (had a fall on the ice Tues). Low.", 8, "low")]
    [InlineData("bad night. 7. low", 7, "low")]
    [InlineData("Schmerz 3.\nGut", 3, "good")]
    [InlineData("Douleur 2. Bof.", 2, "okay")]
    [InlineData("Dolor 6\n\nRegular", 6, "okay")]
    [InlineData("pain: 2\n\n\nbuono", 2, "good")]
    [InlineData("Pijn 4. Matig.", 4, "okay")]
    [InlineData("Dor 3.\nTriste", 3, "low")]
    public void A_mood_word_as_a_sentence_of_its_own_after_the_pain_is_the_mood(string text, int pain, string mood)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(pain, answer.Pain);
        Assert.Equal(mood, answer.MoodWord);
    }

    [Fact]
    public void Words_right_after_the_pain_say_how_the_pain_is_not_the_mood() =>
        Assert.Null(Answer.Parse("Pain 3 better").MoodWord);

    [Theory]
    [InlineData("Pain 5, mood low, question 1: 2, question 2: 3")]
    [InlineData("Schmerz 5, Stimmung schlecht, Frage 1: 2, Frage 2: 3")]
    [InlineData("Douleur 5, humeur basse, question 1 : 2, question 2 : 3")]
    [InlineData("Dolor 5, ánimo bajo, pregunta 1: 2, pregunta 2: 3")]
    [InlineData("Dolore 5, umore basso, domanda 1: 2, domanda 2: 3")]
    [InlineData("Pijn 5, stemming slecht, vraag 1: 2, vraag 2: 3")]
    [InlineData("Dor 5, humor em baixo, pergunta 1: 2, pergunta 2: 3")]
    public void The_PHQ2_items_by_their_number_after_a_labelled_pain_and_mood_are_read(string text)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(5, answer.Pain);
        Assert.Equal((2, 3), (answer.Phq2A, answer.Phq2B));
    }

    [Fact]
    public void A_numbered_question_without_a_labelled_pain_is_not_taken_for_the_PHQ2() =>
        Assert.Null(Answer.Parse("Question 1: 2, question 2: good").Phq2A);

    [Theory]
    [InlineData("Pijn 5. Afspraak volgende week dinsdag 14:15 nog steeds goed?", 5)]
    [InlineData("dolor 4/10 (me tomé un paracetamol de 1 g a las 9)", 4)]
    [InlineData("Dolore 3, preso un Brufen alle 9", 3)]
    [InlineData("Pijn 2, om 9 een paracetamol genomen", 2)]
    [InlineData("Dolore: 6, umore: giù\n\nIn lunedì 30 novembre 2026, 09:00:12 CET, Studio Massoterapia", 6)]
    public void An_hour_or_a_weekday_and_a_time_beside_the_pain_leaves_the_pain_read(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("schmerz ca 4, stimmung mittelmaessig", 4, "okay")]
    [InlineData("Schmerz: fuenf. Stimmung: gedrueckt", 5, "low")]
    public void German_typed_without_umlauts_is_read_as_with_them(string text, int pain, string mood)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(pain, answer.Pain);
        Assert.Equal(mood, answer.MoodWord);
    }
}
