using FollowUp.Languages;
using FollowUp.Replies;

namespace FollowUp.Tests.Replies;

/// <summary>
/// How people put their answer when they just talk, in every answering language: the number after a verb, "now" or an
/// emoji; everyday and regional mood words, and moods said without a label; a number typed and taken back; numbers
/// beside the answer that answer nothing. Each is read; anything less clear still asks.
/// </summary>
public class EverydayWordsTests
{
    [Theory]
    [InlineData("Hello, my pain is now on 3, the mood is good, thank you", 3)]
    [InlineData("Pain went down to 2 after the last session", 2)]
    [InlineData("6 today 😕 mood so-so", 6)]
    [InlineData("Die Schmerzen sind runter auf 4, Stimmung gut", 4)]
    [InlineData("Schmerz isch 3, Stimmig guet", 3)]
    [InlineData("J'ai mal à 4, le moral ça va", 4)]
    [InlineData("La douleur est descendue à 2. Moral bon", 2)]
    [InlineData("Ando como en 5, el ánimo más o menos", 5)]
    [InlineData("El dolor bajó a 4 después de la última sesión. Ánimo bueno", 4)]
    [InlineData("il dolore è sceso a due. Umore buono.", 2)]
    [InlineData("Umore così così, dolore sui 5", 5)]
    [InlineData("De pijn is gezakt naar 3, stemming goed", 3)]
    [InlineData("Dor nota 3, humor bom", 3)]
    [InlineData("Oi! A dor tá em 3, humor bom", 3)]
    [InlineData("A dor desceu para 2, humor bom", 2)]
    public void A_pain_number_after_a_verb_now_or_an_emoji_is_the_pain(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("douleur faible, à peu près 2. Moral : bon", 2)]
    [InlineData("A dor melhorou bastante, tá uns 2. Humor bom", 2)]
    [InlineData("Schmerzen a bisserl, sag ma 2. Stimmung passt.", 2)]
    [InlineData("Pain much better, about 3", 3)]
    public void A_remark_on_the_pain_then_a_comma_and_the_number_gives_the_number(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Pain yesterday, 6. Today 3")]
    [InlineData("Pain in the morning, 6 in the evening 3")]
    public void A_remark_naming_another_time_leaves_the_pain_for_a_clarification(string text) =>
        Assert.Null(Answer.Parse(text).Pain);

    [Theory]
    [InlineData("4 / ok", 4, "okay")]
    [InlineData("Pain: nil. Mood: chipper", 0, "good")]
    [InlineData("5ish. Bit fed up", 5, "low")]
    [InlineData("No pain at all this week thank god! In great form", 0, "good")]
    [InlineData("Schmerzen so um die 3, Stimmig isch guet.", 3, "good")]
    [InlineData("Schmerz 2, bin heute gut drauf", 2, "good")]
    [InlineData("Zéro douleur, moral d'acier !", 0, "good")]
    [InlineData("Sept sur dix ce matin, je suis un peu découragée.", 7, "low")]
    [InlineData("Che, el dolor en un 2, ánimo joya", 2, "good")]
    [InlineData("Hola! Sin dolor, re bien de ánimo 😊", 0, "good")]
    [InlineData("Buenas, el dolor está en 7 de 10 hoy, tengo el ánimo por el piso", 7, "low")]
    [InlineData("dolore sette, sono giù di morale", 7, "low")]
    [InlineData("Pijn 3, in een goede bui vandaag", 3, "good")]
    [InlineData("quatro. humor pra baixo", 4, "low")]
    [InlineData("Dor 5, estou de mau humor", 5, "low")]
    public void Everyday_and_regional_mood_words_are_read_with_or_without_a_label(string text, int pain, string mood)
    {
        var answer = Answer.Parse(text);

        Assert.Equal((pain, mood), (answer.Pain, answer.MoodWord));
    }

    [Theory]
    [InlineData("Rückenschmerzen 5, Interesse 0, Niedergeschlagen 0")]
    [InlineData("Rückenschmerzen 5, Interesse 0, Niedergeschlagen 0\nAm Freitag habe ich Physio.")]
    [InlineData("Pain 5, feeling down: several days")]
    [InlineData("Dolor 5, desanimado 1")]
    public void A_phq_2_items_label_is_never_read_as_a_mood(string text) =>
        Assert.Null(Answer.Parse(text).MoodWord);

    [Theory]
    [InlineData("Pain\n4\nMood\nokay-ish", 4, "okay")]
    [InlineData("Dolor:\n3\nÁnimo:\nbueno", 3, "good")]
    [InlineData("Schmerz 2\nStimmung:\n\nsehr gut", 2, "good")]
    [InlineData("Dor 5\nO meu humor está\nem baixo", 5, "low")]
    [InlineData("Douleur 8\n\nHumeur\nbof\n\nCommande n° 55120-3 reçue.\n\nLucía", 8, "okay")]
    [InlineData("Pijn 3\nStemming\nprima\nDana\nKerkstraat 12\n1017 GC Amsterdam\nTel. 06 12345678", 3, "good")]
    public void A_mood_on_the_line_below_its_label_is_the_mood(string text, int pain, string mood)
    {
        var answer = Answer.Parse(text);

        Assert.Equal((pain, mood), (answer.Pain, answer.MoodWord));
    }

    [Theory]
    [InlineData("Pain 5 - no wait, 6. Mood okay", 6)]
    [InlineData("5, no sorry 6", 6)]
    [InlineData("Schmerz 7 – Korrektur: 6, hab mich vertippt. Stimmung mittel", 6)]
    [InlineData("Schmerzen 4 - äh nein, 5", 5)]
    [InlineData("Douleur 4... enfin plutôt 3 en fait. Moral bon", 3)]
    [InlineData("Douleur 3 enfin 4", 4)]
    [InlineData("Dolor 6, perdón, 5. Ánimo bien", 5)]
    [InlineData("Dolor 6, digo 5", 5)]
    [InlineData("Dolore 3, anzi no, 4. Umore buono", 4)]
    [InlineData("Pijn 4, nee sorry, 3. Stemming goed", 3)]
    [InlineData("Dor 5, quer dizer, 4. Humor bom", 4)]
    public void A_number_taken_back_reads_as_the_number_meant(string text, int pain)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(pain, answer.Pain);
        Assert.Contains(answer.Readings, r => r.Contains("taken back", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Pain 5 or 6, sorry")]
    [InlineData("Pain 5, sorry, maybe 6")]
    [InlineData("Schmerz 4 oder eher 5")]
    [InlineData("Dolor 6 o 5, perdón")]
    [InlineData("Pijn 4, misschien 5")]
    public void Two_numbers_without_a_clear_correction_still_ask(string text) =>
        Assert.Null(Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Pain is 2 today, mood good. Sorry for the late reply, I've been in meetings since 8.", 2)]
    [InlineData("Hi! All good here, pain 1, mood great. By the way I ordered the foam roller (order #40418-7), it's arriving Thursday 3rd.", 1)]
    [InlineData("Pain 3, mood good. I'd rather not answer the other two if that's ok", 3)]
    [InlineData("Schmerz 3, Stimmung gut. Bin seit 7 im Büro, Bestellung Nr. 30112-4 kam heute.", 3)]
    [InlineData("Douleur 3, moral moyen. Je passe les deux autres questions.", 3)]
    [InlineData("Dolor 2, ánimo bien. Trabajando desde las 8, pedido #77031-2.", 2)]
    [InlineData("Dolore 2, umore buono. In ufficio dalle 8, ordine 66201-5 arrivato.", 2)]
    [InlineData("Pijn 4, stemming goed. Sinds 8 aan het werk; de andere twee sla ik over.", 4)]
    [InlineData("Dor 3, humor bom. Trabalhando desde as 8, as outras duas prefiro não responder.", 3)]
    public void An_hour_an_order_reference_or_the_other_questions_beside_the_pain_answer_nothing(string text, int pain)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(pain, answer.Pain);
        Assert.DoesNotContain(answer.Doubts, d => d.StartsWith("numbers not stored", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Douleur 3, moral moyen. Pour les deux autres questions : plusieurs jours et jamais.", 1, 0)]
    [InlineData("Pain 2, mood good. As for the other two: not at all and nearly every day", 0, 3)]
    [InlineData("Schmerz 4, Stimmung gut. Bei den anderen zwei: an einzelnen Tagen und überhaupt nicht", 1, 0)]
    [InlineData("Dolor 3, ánimo bien. Las otras dos: varios días y ningún día", 1, 0)]
    [InlineData("Dolore 2, umore buono. Per le altre due: mai e alcuni giorni", 0, 1)]
    [InlineData("Pijn 3, stemming goed. De andere twee: meerdere dagen en helemaal niet", 1, 0)]
    [InlineData("Dor 2, humor bom. As outras duas: vários dias e quase todos os dias", 1, 3)]
    public void PHQ_2_answers_given_for_the_other_two_questions_are_read_in_the_check_ins_order(string text, int a, int b)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(((int?)a, (int?)b), (answer.Phq2A, answer.Phq2B));
    }

    [Theory]
    [InlineData("> E il suo umore: buono, così così o giù?\nbuono", "mood: buono")]
    [InlineData("> En uw stemming: goed, gaat wel of somber?\ngoed", "mood: goed")]
    [InlineData("> E o seu humor: bom, razoável ou em baixo?\nem baixo", "mood: em baixo")]
    public void An_answer_under_a_question_that_lists_its_choices_after_a_colon_gets_that_questions_label(string body, string own) =>
        Assert.Equal(own, ReplyText.StripQuoted(body));

    [Fact]
    public void No_mood_word_means_two_things_in_the_languages_that_add_moods()
    {
        var meanings = Lexicon.Answering
            .SelectMany(l => l.MoodWords.Concat(l.MoodAlone).SelectMany(m => m.Value.Select(w => (Word: Lexicon.Fold(w), Meaning: m.Key, l.Code))))
            .GroupBy(p => p.Word).Where(g => g.Select(p => p.Meaning).Distinct().Count() > 1)
            // Serene is calm (okay) in Spanish and Portuguese, and good in Italian: the same word, said in different languages.
            .Where(g => g.Key is not ("sereno" or "serena"))
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => $"{p.Code} {p.Meaning}"))}").ToList();

        Assert.Empty(meanings);
    }
}
