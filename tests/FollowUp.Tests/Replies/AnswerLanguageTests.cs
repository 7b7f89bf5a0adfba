using FollowUp.Replies;

namespace FollowUp.Tests.Replies;

/// <summary>Replies as patients write them, in every answering language: what is read, and what must never be.</summary>
public class AnswerLanguageTests
{
    [Theory]
    [InlineData("7 - stiff after the weekend", 7)]
    [InlineData("about 6 today", 6)]
    [InlineData("6ish", 6)]
    [InlineData("6-ish, not bad", 6)]
    [InlineData("five out of ten", 5)]
    [InlineData("a 4 today", 4)]
    [InlineData("2/10\nMuch better since the last session.\nThanks!", 2)]
    [InlineData("Seven. The drive home was hard.", 7)]
    [InlineData("3\n\nDana", 3)]
    [InlineData("I'd say a 5", 5)]
    [InlineData("No pain at all", 0)]
    [InlineData("pain free this week!", 0)]
    [InlineData("Pain: none", 0)]
    [InlineData("my back pain is a 3 now", 3)]
    [InlineData("Pain 10/10, terrible night", 10)]
    [InlineData("pain zero", 0)]
    public void English_phrasings_of_the_pain_score_are_read(string text, int pain)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(pain, answer.Pain);
        Assert.DoesNotContain(answer.Doubts, d => d.StartsWith("numbers not stored", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Schmerzen 5, Stimmung gut", 5, "good")]
    [InlineData("Schmerz: fünf, Laune mies", 5, "low")]
    [InlineData("Keine Schmerzen, Stimmung geht so", 0, "okay")]
    [InlineData("schmerzfrei! Stimmung super", 0, "good")]
    [InlineData("Rückenschmerzen liegen heute bei 4. Stimmung eher schlecht.", 4, "low")]
    [InlineData("Douleur 3, humeur bonne", 3, "good")]
    [InlineData("douleur à 6, moral bas", 6, "low")]
    [InlineData("Pas de douleur, humeur très bien", 0, "good")]
    [InlineData("Douleur : sept sur dix. Humeur : bof", 7, "okay")]
    [InlineData("Dolor 4, ánimo bien", 4, "good")]
    [InlineData("Sin dolor. Ánimo regular", 0, "okay")]
    [InlineData("el dolor está en 5, estado de ánimo bajo", 5, "low")]
    [InlineData("Dolore 2, umore buono", 2, "good")]
    [InlineData("Nessun dolore, umore così così", 0, "okay")]
    [InlineData("il dolore è a sei, umore giù", 6, "low")]
    [InlineData("Pijn 3, stemming goed", 3, "good")]
    [InlineData("Geen pijn, stemming matig", 0, "okay")]
    [InlineData("pijn vandaag een 7, stemming somber", 7, "low")]
    [InlineData("Dor 5, humor bom", 5, "good")]
    [InlineData("Sem dor, humor mais ou menos", 0, "okay")]
    [InlineData("a dor está em 3, ânimo em baixo", 3, "low")]
    public void Each_language_is_read_with_its_own_labels_numbers_and_mood_words(string text, int pain, string mood)
    {
        var answer = Answer.Parse(text);

        Assert.Equal((pain, (int?)null, mood), (answer.Pain!.Value, answer.MoodScore, answer.MoodWord));
        Assert.Equal(AnswerStatus.Complete, answer.Status);
    }

    [Theory]
    [InlineData("5 or 6")]
    [InlineData("Pain 5 or 6")]
    [InlineData("between 4 and 5")]
    [InlineData("pain somewhere between 4 and 5")]
    [InlineData("Schmerzen 4 oder 5")]
    [InlineData("Schmerzen zwischen 3 und 4")]
    [InlineData("douleur 4 ou 5")]
    [InlineData("dolor entre 3 y 4")]
    [InlineData("dolore 4 o 5")]
    [InlineData("pijn 4 of 5")]
    [InlineData("dor entre 4 e 5")]
    [InlineData("pain 3 in the morning, 7 in the evening")]
    [InlineData("Morning pain 3, evening pain 6")]
    [InlineData("Pain 0 this morning but one tonight")]
    [InlineData("pain 0 in the morning, one in the evening")]
    [InlineData("Schmerzen 2 morgens, eins am Abend")]
    [InlineData("pain less than 5")]
    [InlineData("Pain 4/5")]
    [InlineData("pain 3 out of 5")]
    [InlineData("pain 6.5")]
    [InlineData("Same as before")]
    [InlineData("pain same as last time")]
    [InlineData("wie beim letzten Mal")]
    [InlineData("comme avant")]
    public void Ranges_choices_two_pains_and_same_as_before_are_never_an_answer(string text)
    {
        var answer = Answer.Parse(text);

        Assert.Null(answer.Pain);
        Assert.NotEmpty(answer.Doubts);
    }

    [Theory]
    [InlineData("Pain 3, abends ein bisschen steifer", 3)]
    [InlineData("douleur 2, ce soir un peu mieux", 2)]
    [InlineData("Pain 4, one in a while it twinges", 4)]
    public void A_time_of_day_followed_by_an_article_keeps_the_pain(string text, int pain) => Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("See you on 12/3 at 10:30")]
    [InlineData("Next appointment 3 Dec")]
    [InlineData("Am 3. Dezember um 9 Uhr")]
    [InlineData("Call me on +49 170 1234567")]
    [InlineData("Tel. 06 12 34 56 78")]
    [InlineData("Dana\n5 Main Street\nLondon")]
    [InlineData("Hauptstraße 5, 10115 Berlin")]
    [InlineData("I walked 3 km and slept 7 hours")]
    [InlineData("took 2 painkillers")]
    [InlineData("Only 3 days until the next session")]
    [InlineData("le 3 décembre à 14h")]
    [InlineData("3rd session done")]
    public void Numbers_in_dates_times_phones_addresses_and_counts_are_not_pain(string text)
    {
        Assert.Null(Answer.Parse(text).Pain);
    }

    [Theory]
    [InlineData("Pain 4, mood good.\nDana\n+44 7700 900123", 4)]
    [InlineData("Pain 4, mood good. Next visit on 3 December at 10:30.", 4)]
    [InlineData("pain 5 - walked 2 km today, mood ok", 5)]
    [InlineData("Pain: 3' OR 1=1 / Mood ok", 3)]
    public void An_answer_is_still_read_beside_dates_phones_and_counts(string text, int pain)
    {
        Assert.Equal(pain, Answer.Parse(text).Pain);
    }

    [Theory]
    [InlineData("Pain 3, mood good, interest 0, down 1", 0, 1)]
    [InlineData("interest: several days\ndown: not at all", 1, 0)]
    [InlineData("Q1 2 Q2 1", 2, 1)]
    [InlineData("Interesse 1, niedergeschlagen 2", 1, 2)]
    [InlineData("intérêt : plusieurs jours, triste : jamais", 1, 0)]
    [InlineData("interés 0, decaído 1", 0, 1)]
    [InlineData("interesse 3, giù 2", 3, 2)]
    [InlineData("interesse: meerdere dagen, neerslachtig: helemaal niet", 1, 0)]
    [InlineData("interesse 1, para baixo 1", 1, 1)]
    public void Phq2_is_read_in_the_check_in_s_own_format_and_the_answer_options(string text, int a, int b)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(((int?)a, (int?)b), (answer.Phq2A, answer.Phq2B));
    }

    [Theory]
    [InlineData("mood not the best")]
    [InlineData("Stimmung nicht so toll")]
    public void A_negated_or_unknown_mood_is_not_guessed(string text)
    {
        var answer = Answer.Parse(text);

        Assert.Null(answer.MoodWord);
        Assert.NotEmpty(answer.Doubts);
    }

    [Theory]
    [InlineData("Pain 3. Mood up and down, good days and low days")]
    [InlineData("Schmerz 2. Stimmung: gemischt, vormittags gut, abends eher gedrückt")]
    [InlineData("Douleur 4, moral bien le matin mais bas le soir")]
    [InlineData("Dolor 4. Ánimo: bien y mal, depende del día")]
    [InlineData("Dolore 2. Umore altalenante: la mattina buono, la sera giù")]
    [InlineData("Pijn 3. Stemming: wisselend")]
    [InlineData("Dor 3. Humor: bom e mau, varia muito")]
    public void A_mood_that_varies_or_is_good_and_low_at_once_is_asked_about_and_the_pain_kept(string text)
    {
        var answer = Answer.Parse(text);

        Assert.Null(answer.MoodWord);
        Assert.NotNull(answer.Pain);
        Assert.Contains(answer.Doubts, d => d.Contains("mood", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pain: 6\nmood: low - not sleeping great", "low")]
    [InlineData("Dolor 7\nÁnimo: bajo, no duermo bien", "low")]
    [InlineData("Pain 2, mood good, really good", "good")]
    public void A_second_mood_word_about_something_else_or_meaning_the_same_keeps_the_mood(string text, string mood)
    {
        Assert.Equal(mood, Answer.Parse(text).MoodWord);
    }

    [Theory]
    [InlineData("abmelden")]
    [InlineData("Désabonner")]
    [InlineData("darme de baja")]
    [InlineData("afmelden")]
    public void Stop_is_understood_in_every_language(string text)
    {
        Assert.True(Answer.Parse(text).OptOut);
    }

    [Theory]
    [InlineData("Bonjour, merci pour le suivi mais je ne souhaite plus recevoir ces e-mails.\n\nClaire")]
    [InlineData("Merci de me désinscrire, la douleur est partie.")]
    [InlineData("Thanks for checking in. I no longer wish to receive these emails.")]
    [InlineData("Please take me off your list, I've moved away.")]
    [InlineData("Hallo, bitte melden Sie mich ab. Danke!")]
    [InlineData("Ich möchte keine E-Mails mehr bekommen.")]
    [InlineData("Bitte melden Sie mich von diesen Nachfragen ab.")]
    [InlineData("Meld mij alstublieft af, ik ben verhuisd.")]
    [InlineData("Hola, ya no quiero recibir estos correos, gracias.")]
    [InlineData("Non voglio più ricevere queste email, grazie.")]
    [InlineData("Ik wil me afmelden voor deze berichten.")]
    [InlineData("Olá, não quero receber mais estes e-mails. Obrigada")]
    public void A_request_to_stop_written_as_a_sentence_is_an_opt_out_in_every_language(string text)
    {
        Assert.True(Answer.Parse(text).OptOut);
    }

    [Theory]
    [InlineData("Pain 3. I don't want any more pain, your emails help.")]
    [InlineData("Douleur 2, je ne souhaite plus recevoir de soins pour l'instant.")]
    [InlineData("Please don't stop these emails, they keep me going. Pain 4")]
    [InlineData("Reply STOP to stop these emails.")]
    [InlineData("Répondez STOP pour ne plus recevoir ces e-mails.")]
    [InlineData("Antworten Sie mit STOPP, wenn Sie keine E-Mails mehr von uns möchten.")]
    [InlineData("Antwoord STOP als u deze e-mails niet meer wilt ontvangen.")]
    public void Wording_near_a_request_to_stop_that_is_not_one_is_no_opt_out(string text)
    {
        Assert.False(Answer.Parse(text).OptOut);
    }

    [Fact]
    public void The_check_in_s_own_example_line_left_in_the_text_is_not_read()
    {
        var answer = Answer.Parse("6\nFor example:  Pain 3, mood good");

        Assert.Equal((6, (string?)null), (answer.Pain!.Value, answer.MoodWord));
    }
}
