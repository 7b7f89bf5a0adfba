using FollowUp.Alerts;
using FollowUp.Replies;
using MimeKit;

namespace FollowUp.Tests.Replies;

/// <summary>
/// The kinds of phrasing real replies use beside the answer, in every answering language: addresses, postcodes and
/// pill counts, an earlier value next to this week's, a comment before the number, a mood compared with before,
/// PHQ-2 in words without its labels, answers typed under each quoted question, a closing and a signature block.
/// Each must leave the answer read, and what is still doubtful must still be left unread.
/// </summary>
public class ReadingClassesTests
{
    [Theory]
    [InlineData("Dolor 2. Llámenme por favor, estoy en Calle Mayor 15.", 2)]
    [InlineData("Pijn 3, nieuw adres: Kerkstraat 12, 1017 GC Amsterdam", 3)]
    [InlineData("Dolore 2, vivo in Via Roma 44, tel 333 1234567", 2)]
    [InlineData("Dor 2. Moro na Rua Augusta 100, 1100-148 Lisboa.", 2)]
    [InlineData("Douleur 3. J'habite maintenant au 25 rue de la Paix, 75002 Paris.", 3)]
    [InlineData("Schmerz 4, neue Adresse: Bahnhofstraße 5, 80331 München", 4)]
    [InlineData("Pain is 3. I'll be at 14 Baker Street after 5pm.", 3)]
    [InlineData("Pain 3 today (I took 2 Nurofen last night)", 3)]
    [InlineData("Douleur 6 (j'ai pris 2 Doliprane 1000 mg)", 6)]
    [InlineData("Dolore 3. Preso 1 Brufen ieri sera.", 3)]
    public void An_address_a_postcode_or_a_count_of_pills_beside_the_pain_leaves_the_pain_read(string text, int pain)
    {
        var answer = Answer.Parse(text);

        Assert.Equal(pain, answer.Pain);
        Assert.DoesNotContain(answer.Doubts, d => d.StartsWith("numbers not stored", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pain 3 (was 7 before the course)", 3)]
    [InlineData("Pain today 3, yesterday 6", 3)]
    [InlineData("Schmerz: 3 (gestern 6)", 3)]
    [InlineData("Dolore 3 (ieri 5)", 3)]
    [InlineData("Douleur 2 (hier 5)", 2)]
    [InlineData("Pijn 4, gisteren 6", 4)]
    [InlineData("Dolor 3, antes del tratamiento 8", 3)]
    [InlineData("Dor 2 (ontem 4)", 2)]
    public void An_earlier_value_beside_this_weeks_is_not_a_second_answer(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("better than last time, 4", 4)]
    [InlineData("Besser als letztes Mal, ungefähr 3", 3)]
    [InlineData("mejor que la última vez, un 3", 3)]
    [InlineData("melhor que da última vez, 2", 2)]
    [InlineData("mieux que la dernière fois, 3", 3)]
    [InlineData("meglio dell'ultima volta - 2", 2)]
    [InlineData("beter dan vorige week, 3", 3)]
    [InlineData("Not great, 7", 7)]
    public void A_comment_then_the_number_gives_the_number_as_the_pain(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("pain's a 2 now, mood much better", "good")]
    [InlineData("Pain 5, mood worse than last week", "low")]
    [InlineData("Schmerz 4, Stimmung viel besser", "good")]
    [InlineData("Douleur 3, moral beaucoup mieux", "good")]
    [InlineData("Dolor 3, ánimo peor", "low")]
    [InlineData("Dolore 3, umore meglio", "good")]
    [InlineData("Pijn 3, stemming beter", "good")]
    [InlineData("Dor 3, humor melhor", "good")]
    public void A_mood_compared_with_before_is_read_as_the_mood_word_it_leans_to(string text, string mood) =>
        Assert.Equal(mood, Answer.Parse(text).MoodWord);

    [Theory]
    [InlineData("Douleur 6, humeur triste. Presque tous les jours pour les deux questions.", 3, 3)]
    [InlineData("dolore otto, umore basso. Quasi ogni giorno per entrambe.", 3, 3)]
    [InlineData("Several days for the first one, not at all for the second.\nPain 2, mood good", 1, 0)]
    [InlineData("Schmerz 3. Bei beiden Fragen: an einzelnen Tagen", 1, 1)]
    [InlineData("Dolor 2. Varios días para la primera, nunca para la segunda.", 1, 0)]
    [InlineData("Pijn 2. Voor allebei: helemaal niet", 0, 0)]
    [InlineData("Dor 4. Vários dias para ambas.", 1, 1)]
    public void PHQ_2_answers_in_words_without_their_labels_are_read_for_the_items_they_name(string text, int a, int b) =>
        Assert.Equal((a, b), (Answer.Parse(text).Phq2A!.Value, Answer.Parse(text).Phq2B!.Value));

    [Fact]
    public void Answers_typed_under_each_quoted_question_of_the_check_in_are_read_as_the_answers_to_those_questions()
    {
        const string body = """
            On Mon, 30 Nov 2026 at 10:00, Test Clinic <checkins@clinic.test> wrote:
            > Pain: a number from 0 to 10 for your back pain over the past week
            >       (0 = no pain, 10 = worst pain imaginable)

            3

            > Mood: how your mood has been (for example good, okay or low, or a number from 0 = very low to 10 = very good)

            ok

            > Over the last 2 weeks, how often have you been bothered by:
            > Interest: little interest or pleasure in doing things?

            2

            > Down: feeling down, depressed, or hopeless?
            >       (0 = not at all, 1 = several days, 2 = more than half the days, 3 = nearly every day)

            1

            > For example:  Pain 3, mood good, interest 0, down 1
            """;

        var answer = Answer.Parse(ReplyText.StripQuoted(body));

        Assert.Equal((3, "okay", 2, 1), (answer.Pain!.Value, answer.MoodWord, answer.Phq2A!.Value, answer.Phq2B!.Value));
    }

    [Fact]
    public void Answers_under_questions_worded_as_sentences_in_another_language_are_given_to_the_question_above_them()
    {
        const string body = """
            Am 30.11.26 um 10:00 schrieb Praxis Test:
            > Wie stark sind Ihre Rückenschmerzen diese Woche, 0 = keine Schmerzen, 10 = stärkste vorstellbare?

            sieben

            > Wie ist Ihre Stimmung?

            schlecht

            > a) Wenig Interesse oder Freude an Ihren Tätigkeiten

            an mehr als der Hälfte der Tage

            > b) Niedergeschlagenheit, Schwermut oder Hoffnungslosigkeit

            an einzelnen Tagen
            """;

        var answer = Answer.Parse(ReplyText.StripQuoted(body));

        Assert.Equal((7, "low", 2, 1), (answer.Pain!.Value, answer.MoodWord, answer.Phq2A!.Value, answer.Phq2B!.Value));
    }

    [Theory]
    [InlineData("Schmerzen: 4\nStimmung: gut\n\nMit freundlichen Grüßen\nHans Müller\nBahnhofstraße 5\n80331 München", "Schmerzen: 4\nStimmung: gut")]
    [InlineData("Pain 2\n\nKind regards\nJohn Smith\n12 Oak Road\nLondon\n07700 900123", "Pain 2")]
    [InlineData("Dolore 3\n\nCordiali saluti\nGiulia Bianchi\nVia Roma 44, 00184 Roma", "Dolore 3")]
    [InlineData("Thanks,\nAnna\n\nPain 4", "Thanks,\nAnna\n\nPain 4")]
    [InlineData("Thanks!\n\n4", "Thanks!\n\n4")]
    public void A_closing_and_the_short_signature_below_it_are_cut_unless_an_answer_follows(string body, string own) =>
        Assert.Equal(own, ReplyText.StripQuoted(body));

    [Theory]
    [InlineData("Pain 6 yesterday, now 3")]
    [InlineData("Yesterday pain 7, today 4")]
    [InlineData("pain 3, maybe close to 4")]
    [InlineData("I took ibuprofen - 2")]
    [InlineData("Pain 4 - not bad, 5 on bad days")]
    [InlineData("Back is a 6 and my neck is about a 3")]
    [InlineData("Rücken 3, aber Knie 6")]
    [InlineData("Kids: 2")]
    public void What_is_still_doubtful_beside_these_phrasings_stores_no_pain(string text) =>
        Assert.Null(Answer.Parse(text).Pain);

    [Fact]
    public void An_italian_out_of_office_without_automatic_reply_headers_is_an_automatic_reply_from_the_language_files()
    {
        var message = new MimeMessage { Subject = "Risposta automatica: Re: come va la schiena?" };
        message.From.Add(new MailboxAddress("Giulia", "giulia@example.it"));
        message.Body = new TextPart("plain") { Text = "Buongiorno,\nsono fuori ufficio fino al 7 dicembre con accesso limitato alla posta.\nRisponderò al mio rientro." };

        Assert.NotNull(Automatic.AutoReplyReason(message));
        Assert.True(Automatic.IsOutOfOffice(message));
    }

    [Theory]
    [InlineData("Dolore 7. A volte penso di togliermi la vita.")]
    [InlineData("Non ho mai pensato di uccidermi, ma sto male")]
    [InlineData("Se peggiora ancora, voglio morire")]
    [InlineData("Pijn 8. Soms denk ik aan zelfmoord.")]
    [InlineData("Ik wil niet meer leven zo")]
    [InlineData("Ik ben niet suïcidaal, maar het gaat slecht")]
    [InlineData("Dor 8. Às vezes penso em suicídio.")]
    [InlineData("Não quero mais viver assim")]
    [InlineData("Nunca pensei em me matar, mas estou mal")]
    public void Self_harm_wording_in_italian_dutch_and_portuguese_alerts_even_when_negated_or_hypothetical(string reply)
    {
        Assert.NotNull(CrisisWords.Default.FindFirst(reply));
        Assert.Equal(AlertKinds.Crisis, CrisisWords.Evaluate([new(28, 6, Text: reply)], new AlertOptions())?.Kind);
    }

    [Theory]
    [InlineData("Il dolore mi uccide la mattina, ma va meglio. Dolore 5")]
    [InlineData("Non ce la faccio più con questo mal di schiena, dolore 8")]
    [InlineData("Ik heb mezelf bezeerd bij het tillen, pijn 6")]
    [InlineData("Estou morto de cansaço, dor 5")]
    [InlineData("Dor 4, quero acabar o tratamento em janeiro")]
    public void Everyday_idioms_of_pain_and_tiredness_in_those_languages_raise_no_crisis(string reply) =>
        Assert.Null(CrisisWords.Default.FindFirst(reply));

    [Theory]
    [InlineData("Hi,\n\nPain is about a 5 today. Mood: good.\n\nKind regards,\nMark Doyle\nSenior Analyst | Ardmore Insurance DAC\nT: +353 1 661 2040 | M: +353 87 412 3398\n5 Harcourt Road, Dublin 2, D02 H294\n\nThis e-mail is confidential. Registered in Ireland No. 481236.", 5)]
    [InlineData("Douleur : 5/10\nHumeur : bonne\n\nBien à vous,\nSophie Lambert\nResponsable RH – Groupe Vitalis\n04 72 33 18 90 | 06 12 34 56 78\n27 cours Lafayette, 69003 Lyon", 5)]
    [InlineData("il dolore oggi è a 5, umore così così.\n\nCordiali saluti\nMarco Bianchi\nVia Emilia 233, 40068 San Lazzaro di Savena (BO)\n\nAi sensi del D.Lgs. 196/2003 e del Regolamento UE 2016/679 le informazioni sono riservate.", 5)]
    [InlineData("Schmerzen 3\n\nViele Grüße\nJonas Weber\nHalle 3, Gewerbepark Süd 2\nTel. 0711 780 3341", 3)]
    [InlineData("Dolor 2\n\nUn saludo\nLucía Pérez\nPol. Ind. Las Naves, nave 7\n28823 Coslada", 2)]
    [InlineData("Pijn 4\n\nMet vriendelijke groet,\nSanne Visser\nUnit 4, Bedrijvenpark De Hoek 12\nMob. 06 41 22 98 70", 4)]
    [InlineData("Dor 6\n\nCumprimentos,\nJoão Sousa\nZona Industrial, Lote 12\nTlm. 936 123 456", 6)]
    [InlineData("4\n\nPeter Walsh\nWalsh Joinery Ltd\nUnit 3, Ballymount Industrial Estate, Dublin 12\n01 456 7890", 4)]
    [InlineData("Pain 5, mood good\nDana\nFlat 3, Block 2\nTel 0113 496 0871", 5)]
    public void Numbers_in_a_signature_after_a_closing_or_in_a_name_block_with_contact_details_never_make_the_answer_doubtful(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Mood good\n\nKind regards,\nDana\nP.S. pain 4", 4)]
    [InlineData("Stimmung gut\n\nViele Grüße\nJonas\n3", 3)]
    public void A_label_or_a_bare_number_after_the_closing_is_still_read(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Pain 3\n\nThanks,\nDana\nP.S. pain 6 in the evenings")]
    [InlineData("Pain 4\n\nDana\n6 in the evening though, call me on 0171 2345678")]
    public void A_second_pain_below_the_signature_still_leaves_the_pain_unread(string text) =>
        Assert.Null(Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Hola! Pues un 6 más o menos, el viernes 20 tengo revisión a las 17:30. Ánimo bien.", 6)]
    [InlineData("Pain 3, physio on Friday 20th at 10.15", 3)]
    [InlineData("Schmerzen 4, am Freitag, den 20. habe ich Physio", 4)]
    [InlineData("Douleur 2, kiné vendredi 20 à 10h15", 2)]
    [InlineData("Dolore 5, venerdì 20 ho la visita", 5)]
    [InlineData("Pijn 3, vrijdag 20 heb ik fysio", 3)]
    [InlineData("Dor 4, sexta-feira 20 tenho consulta", 4)]
    public void A_weekday_and_a_day_is_a_date_not_a_number_beside_the_answer(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("So, 4 or so", 4)]
    [InlineData("Naja, so 4 rum", 4)]
    [InlineData("Bonjour, 3 à peu près. Moral bon.", 3)]
    [InlineData("Allora, 5 più o meno", 5)]
    [InlineData("Nou, 6 ongeveer", 6)]
    [InlineData("Oi! Minha dor tá uns 4, humor tranquilo", 4)]
    [InlineData("Então, 2 mais ou menos", 2)]
    [InlineData("Hi! So about 5 I guess, mood okay", 5)]
    [InlineData("Schmerzen 3 würde ich sagen", 3)]
    [InlineData("4ish mood ok", 4)]
    public void A_number_with_about_after_it_opening_a_sentence_is_the_pain(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Oggi sei. Ieri peggio. Umore medio", 6)]
    [InlineData("Hoy tres. Ayer peor.", 3)]
    [InlineData("Heute acht. Gestern schlimmer.", 8)]
    [InlineData("Vandaag een. Gisteren erger.", 1)]
    [InlineData("Aujourd'hui sept. Hier pire.", 7)]
    [InlineData("Ieri 6, oggi 4. Umore buono", 4)]
    public void A_number_word_right_after_today_is_this_weeks_pain(string text, int pain) =>
        Assert.Equal(pain, Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Oggi sei stanco?")]
    [InlineData("Ich habe acht gegeben, das Knie tut weh.")]
    public void A_number_word_that_is_also_a_word_stays_a_word_elsewhere(string text) =>
        Assert.Null(Answer.Parse(text).Pain);

    [Theory]
    [InlineData("Mejor que la última vez, un 3. Ánimo bien.", 3, "good")]
    [InlineData("Better than last time, 4. Mood okay", 4, "okay")]
    [InlineData("Besser als letztes Mal, 2, Stimmung gut", 2, "good")]
    public void A_comment_then_the_number_closing_a_sentence_leaves_the_rest_of_the_line_to_be_read(string text, int pain, string mood) =>
        Assert.Equal((pain, mood), (Answer.Parse(text).Pain!.Value, Answer.Parse(text).MoodWord));

    [Theory]
    [InlineData("Pian 5 moood ok", 5, "okay")]
    [InlineData("Schmerzn 4 Stimung gut", 4, "good")]
    [InlineData("douleure 2, umeur bonne", 2, "good")]
    [InlineData("dolre 3, umore bunoo", 3, "good")]
    [InlineData("Dolor 3, aniomo bien", 3, "good")]
    [InlineData("Pijn 2, stemmnig goed", 2, "good")]
    [InlineData("Dor 1, humro bom", 1, "good")]
    public void A_label_and_a_mood_word_typed_one_letter_off_together_are_mended(string text, int pain, string mood) =>
        Assert.Equal((pain, mood), (Answer.Parse(text).Pain!.Value, Answer.Parse(text).MoodWord));

    [Theory]
    [InlineData("Pain 4 mood ok", 4, "okay")]
    [InlineData("pijn 2 stemming goed", 2, "good")]
    [InlineData("Re: Schmerzen 3, Stimmung gut", 3, "good")]
    public void An_answer_typed_over_the_whole_subject_is_read_when_the_body_has_none(string subject, int pain, string mood) =>
        Assert.Equal((pain, mood), (Answer.Parse("", subject).Pain!.Value, Answer.Parse("", subject).MoodWord));

    [Theory]
    [InlineData("Your 6-week check-in from Harbour Physio")]
    [InlineData("Week 4 check-in")]
    [InlineData("Pain check 2 weeks after your course")]
    public void A_subject_of_the_clinics_own_with_a_number_is_never_read_as_the_answer(string subject) =>
        Assert.Null(Answer.Parse("", subject).Pain);
}
