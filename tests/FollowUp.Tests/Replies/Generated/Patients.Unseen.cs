namespace FollowUp.Tests.Replies.Generated;

public static partial class Patients
{
    /// <summary>
    /// Shapes met in replies the corpus had never seen: the level stated without a label ("hoy tengo un 7", "'k zit aan
    /// 7", "dói a 6"), a zero word before the pain label or before "today", a correction in two words ("4 - nein, eher
    /// 5"), the mood after "I am" ("ik ben wat somber"), an emoji for the mood, a mood word as a sentence of its own after
    /// the pain, the PHQ-2 items by their number after a labelled pain and mood, and an hour or a weekday with a time
    /// beside the answer.
    /// </summary>
    private sealed record Unseen(string[] Levels, string[] Zeros, string[] Corrections, (string Said, string Meaning)[] MoodsSaid, (string Word, string Meaning)[] MoodSentences, string Question, string[] Hours);

    private static readonly Dictionary<string, Unseen> Later = new()
    {
        ["en"] = new(["it's a {n} today but manageable", "I'm at {n}", "prob a {n} today", "{n} from 10"],
            ["Pain: none today", "zero pain today", "0 pain"],
            ["{a}, sorry, I mean {n}", "{a} - no, actually {n}", "{a}... oops, make that {n}"],
            [("I'm a bit low", "low"), ("I'm good", "good"), ("I'm okay", "okay"), ("Mood \U0001F44D", "good"), ("mood \U0001F44E", "low")],
            [("Low", "low"), ("Good", "good"), ("Okay", "okay"), ("Not great", "low")], "Question",
            ["see you Tuesday 14:15", "took a paracetamol at 9am", "call me back on 07700 900123"]),
        ["de"] = new(["liegt bei {n}", "ich bin so bei {n}", "heut so eine {n}", "Schmerz {n} von 10"],
            ["null Schmerzen heute", "Schmerzen: null heute", "0 Schmerzen"],
            ["{a} – nein, eher {n}", "{a}, äh nein, eher {n}", "{a}, sorry, ich meine {n}"],
            [("Stimmung gedrueckt", "low"), ("Stimmung \U0001F44D", "good"), ("Laune mittelmaessig", "okay")],
            [("Gut", "good"), ("Mies", "low"), ("Geht so", "okay")], "Frage",
            ["Termin am Dienstag 14:15 passt noch", "Ibuprofen um 9 Uhr genommen", "Rückruf bitte unter 0171 2345678"]),
        ["fr"] = new(["je suis à {n} ce matin", "chu à {n} à matin", "on est à {n} aujourd'hui", "ça tourne autour de {n}"],
            ["Douleur : aucune aujourd'hui", "zéro douleur", "j'ai plus mal du tout"],
            ["{a}... enfin non, plutôt {n}", "{a}, pardon, je voulais dire {n}", "{a}, euh non, {n}"],
            [("je vais bien", "good"), ("le moral n'est pas très bon", "low"), ("moral correct", "okay"), ("humeur \U0001F44D", "good")],
            [("Bien", "good"), ("Bof", "okay"), ("Pas terrible", "low")], "Question",
            ["rendez-vous mardi 14:15 toujours ok", "pris un Doliprane à 9h", "mon portable : 06 12 34 56 78"]),
        ["es"] = new(["hoy tengo un {n}", "estoy en un {n}", "el dolor está en torno al {n}", "un dolorcito de {n}"],
            ["Dolor: ninguno hoy", "cero dolor", "nada de dolor"],
            ["{a}, perdón, quise decir {n}", "{a}, no, perdón, {n}", "{a}... digo, mejor dicho {n}"],
            [("estoy bien", "good"), ("estoy regular", "okay"), ("el ánimo bajito", "low"), ("ánimo \U0001F44D", "good")],
            [("Bien", "good"), ("Regular", "okay"), ("Bajito", "low")], "Pregunta",
            ["me tomé un paracetamol a las 9", "cita el martes 14:15", "mi nuevo teléfono es 612 345 678"]),
        ["it"] = new(["oggi sto a {n}", "male a {n}", "sono a {n} oggi", "intorno al {n}"],
            ["Dolore: nessuno oggi", "zero dolore", "dolore zero"],
            ["{a}, no scusa, volevo dire {n}", "{a}, anzi no, {n}", "{a}... cioè, scusa, {n}"],
            [("sto bene", "good"), ("sono giù", "low"), ("umore non molto bene", "low"), ("umore \U0001F44D", "good")],
            [("Bene", "good"), ("Così così", "okay"), ("Giù", "low")], "Domanda",
            ["preso un Brufen alle 9", "appuntamento martedì 14:15 confermato", "il mio cellulare è 333 1234567"]),
        ["nl"] = new(["'k zit aan {n}", "ik zit aan {n} vandaag", "het is een {n} vandaag", "rond de {n}"],
            ["Pijn: geen vandaag", "nul pijn", "0 pijn"],
            ["{a}, nee sorry, ik bedoel {n}", "{a}... nee wacht, eigenlijk {n}", "{a}, oeps, correctie: {n}"],
            [("ik ben wat somber", "low"), ("ik ben blij", "good"), ("het gaat goed", "good"), ("stemming \U0001F44D", "good")],
            [("Goed", "good"), ("Matig", "okay"), ("Somber", "low")], "Vraag",
            ["afspraak dinsdag 14:15 nog goed?", "om 9 een paracetamol genomen", "bel me op 06 12345678"]),
        ["pt"] = new(["hoje dói a {n}", "tenho um {n}", "estou em {n} hoje", "dói uns {n}"],
            ["Dor: nenhuma hoje", "zero dores", "sem dor"],
            ["{a}, desculpa, quer dizer {n}", "{a}, digo, aliás {n}", "{a}... errei, ou melhor, {n}"],
            [("estou bem", "good"), ("ando em baixo", "low"), ("o humor não está bom", "low"), ("humor \U0001F44D", "good")],
            [("Bem", "good"), ("Mais ou menos", "okay"), ("Triste", "low")], "Pergunta",
            ["consulta terça 14:15 ainda de pé", "tomei um Ben-u-ron às 9h", "o meu telemóvel é 912 345 678"]),
    };
}
