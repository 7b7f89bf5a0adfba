namespace FollowUp.Tests.Replies.Generated;

/// <summary>What a patient meant to say: the truth a generated reply is checked against.</summary>
public sealed record Meant(int? Pain, int? MoodScore, string? MoodWord, int? Phq2A, int? Phq2B, bool Ambiguous);

/// <summary>One generated reply's text as the patient typed it, and what they meant.</summary>
public sealed record Written(string Language, string Text, Meant Meant, string Phrasing)
{
    /// <summary>What the patient typed after the check-in's subject ("Re: … — 4"), when the answer is there.</summary>
    public string? SubjectAddition { get; init; }

    /// <summary>What the patient typed over the whole subject ("pain 3, mood good"), when the answer is there.</summary>
    public string? Subject { get; init; }
}

/// <summary>
/// How patients write a check-in answer, per language, from the world's side: the wording people use (greetings,
/// the way they give a number, moods as they say them, everyday comments that carry numbers of their own, sign-offs),
/// written from native usage, not from FollowUp's language files.
/// </summary>
public static partial class Patients
{
    public static readonly string[] Languages = ["en", "de", "fr", "es", "it", "nl", "pt"];

    private sealed record Words(
        string[] Numbers, string[] PainLabels, string[] MoodLabels, string[] NoPain,
        (string Word, string Meaning)[] Moods, string[] Comments, string[] CommentsWithNumbers, string[] Greetings, string[] SignOffs,
        string[] Ranges, string[] SameAsBefore, string Or, string Out, string[] Approx, string Interest, string Down, string[] PhqOptions);

    private static readonly Dictionary<string, Words> Lang = new()
    {
        ["en"] = new(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
            ["Pain", "pain", "Back pain", "Pain level", "My pain is", "pain is about", "Pain today:"], ["mood", "Mood:", "my mood is", "Mood is", "feeling"],
            ["No pain at all", "no pain", "Pain free", "pain-free this week"],
            [("good", "good"), ("great", "good"), ("pretty good", "good"), ("okay", "okay"), ("ok", "okay"), ("so-so", "okay"), ("low", "low"), ("bad", "low"), ("a bit low", "low")],
            ["stiff after the weekend", "much better since the last session", "the exercises help", "slept badly", "the drive to work is hard", "thanks for asking"],
            ["walked 3 km yesterday", "slept about 7 hours", "see you on 3 December", "back at work since Monday the 2nd", "my next session is at 10:30"],
            ["Hi,", "Hello,", "Hi there", ""], ["Thanks,", "Best,", "Cheers", "Kind regards,", ""],
            ["{a} or {b}", "between {a} and {b}", "{a}-{b}", "somewhere around {a} to {b}", "pain {a} in the morning, {b} in the evening", "{a} this morning but {b} tonight"],
            ["Same as before", "pretty much the same as last time", "no change"], "or", "out of 10", ["about {n}", "{n}ish", "a {n} today", "around {n}", "I'd say {n}"],
            "interest", "down", ["not at all", "several days", "more than half the days", "nearly every day"]),
        ["de"] = new(["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn"],
            ["Schmerzen", "Schmerz", "Rückenschmerzen", "Schmerzen heute", "Die Schmerzen liegen bei", "Schmerzen:"], ["Stimmung", "Stimmung:", "Laune", "meine Stimmung ist"],
            ["Keine Schmerzen", "schmerzfrei", "gar keine Schmerzen"],
            [("gut", "good"), ("sehr gut", "good"), ("super", "good"), ("geht so", "okay"), ("okay", "okay"), ("mittel", "okay"), ("schlecht", "low"), ("mies", "low"), ("eher schlecht", "low")],
            ["nach dem Wochenende etwas steif", "viel besser seit der letzten Sitzung", "die Übungen helfen", "schlecht geschlafen", "danke der Nachfrage"],
            ["gestern 3 km spazieren", "etwa 7 Stunden geschlafen", "bis zum 3. Dezember", "der nächste Termin ist um 10:30 Uhr"],
            ["Hallo,", "Guten Tag,", "Liebe Grüße vorab,", ""], ["Viele Grüße", "LG", "Danke,", "Mit freundlichen Grüßen", ""],
            ["{a} oder {b}", "zwischen {a} und {b}", "{a}-{b}", "morgens {a}, abends {b}"],
            ["wie beim letzten Mal", "unverändert", "wie vorher"], "oder", "von 10", ["etwa {n}", "so um die {n}", "ungefähr {n}"],
            "Interesse", "Niedergeschlagen", ["überhaupt nicht", "an einzelnen Tagen", "an mehr als der Hälfte der Tage", "beinahe jeden Tag"]),
        ["fr"] = new(["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"],
            ["Douleur", "douleur", "La douleur est à", "Douleur :", "Mal de dos"], ["humeur", "Humeur :", "moral", "le moral est"],
            ["Pas de douleur", "aucune douleur", "sans douleur"],
            [("bonne", "good"), ("bien", "good"), ("très bien", "good"), ("moyenne", "okay"), ("bof", "okay"), ("ça va", "okay"), ("mauvaise", "low"), ("bas", "low"), ("pas terrible", "low")],
            ["un peu raide après le week-end", "beaucoup mieux depuis la dernière séance", "les exercices m'aident", "mal dormi", "merci de prendre des nouvelles"],
            ["marché 3 km hier", "dormi environ 7 heures", "à bientôt le 3 décembre", "prochaine séance à 10h30"],
            ["Bonjour,", "Bonsoir,", ""], ["Cordialement,", "Merci,", "Bonne journée", "Bien à vous,", ""],
            ["{a} ou {b}", "entre {a} et {b}", "{a}-{b}", "le matin {a}, le soir {b}"],
            ["comme avant", "pareil que la dernière fois", "inchangé"], "ou", "sur 10", ["environ {n}", "autour de {n}", "à peu près {n}"],
            "intérêt", "triste", ["jamais", "plusieurs jours", "plus de la moitié du temps", "presque tous les jours"]),
        ["es"] = new(["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez"],
            ["Dolor", "dolor", "El dolor está en", "Dolor:", "dolor de espalda"], ["ánimo", "Ánimo:", "estado de ánimo", "humor"],
            ["Sin dolor", "sin dolor ninguno", "ningún dolor"],
            [("bien", "good"), ("muy bien", "good"), ("bueno", "good"), ("regular", "okay"), ("normal", "okay"), ("más o menos", "okay"), ("mal", "low"), ("bajo", "low"), ("fatal", "low")],
            ["un poco rígido después del fin de semana", "mucho mejor desde la última sesión", "los ejercicios ayudan", "he dormido mal", "gracias por preguntar"],
            ["ayer caminé 3 km", "dormí unas 7 horas", "nos vemos el 3 de diciembre", "la próxima sesión es a las 10:30"],
            ["Hola,", "Buenos días,", ""], ["Saludos,", "Gracias,", "Un saludo", ""],
            ["{a} o {b}", "entre {a} y {b}", "{a}-{b}", "por la mañana {a}, por la noche {b}"],
            ["igual que antes", "como la última vez", "sin cambios"], "o", "de 10", ["alrededor de {n}", "más o menos un {n}", "aproximadamente {n}"],
            "interés", "decaído", ["ningún día", "varios días", "más de la mitad de los días", "casi todos los días"]),
        ["it"] = new(["zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci"],
            ["Dolore", "dolore", "Il dolore è a", "Dolore:", "mal di schiena"], ["umore", "Umore:", "morale", "l'umore è"],
            ["Nessun dolore", "niente dolore", "senza dolore"],
            [("buono", "good"), ("bene", "good"), ("ottimo", "good"), ("così così", "okay"), ("discreto", "okay"), ("normale", "okay"), ("basso", "low"), ("giù", "low"), ("male", "low")],
            ["un po' rigido dopo il fine settimana", "molto meglio dall'ultima seduta", "gli esercizi aiutano", "ho dormito male", "grazie per l'interessamento"],
            ["ieri ho camminato 3 km", "dormito circa 7 ore", "ci vediamo il 3 dicembre", "la prossima seduta è alle 10:30"],
            ["Buongiorno,", "Salve,", "Ciao,", ""], ["Cordiali saluti,", "Grazie,", "Saluti", ""],
            ["{a} o {b}", "tra {a} e {b}", "{a}-{b}", "la mattina {a}, la sera {b}"],
            ["come prima", "uguale all'ultima volta", "invariato"], "o", "su 10", ["circa {n}", "intorno a {n}", "più o meno sul {n}"],
            "interesse", "giù", ["mai", "alcuni giorni", "per oltre la metà dei giorni", "quasi ogni giorno"]),
        ["nl"] = new(["nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien"],
            ["Pijn", "pijn", "De pijn is", "Pijn:", "rugpijn"], ["stemming", "Stemming:", "humeur", "mijn stemming is"],
            ["Geen pijn", "helemaal geen pijn", "pijnvrij"],
            [("goed", "good"), ("prima", "good"), ("heel goed", "good"), ("matig", "okay"), ("redelijk", "okay"), ("gaat wel", "okay"), ("slecht", "low"), ("somber", "low"), ("laag", "low")],
            ["wat stijf na het weekend", "veel beter sinds de laatste behandeling", "de oefeningen helpen", "slecht geslapen", "bedankt voor het vragen"],
            ["gisteren 3 km gewandeld", "ongeveer 7 uur geslapen", "tot 3 december", "volgende afspraak om 10:30"],
            ["Hoi,", "Goedemorgen,", "Beste,", ""], ["Groetjes,", "Met vriendelijke groet,", "Bedankt,", ""],
            ["{a} of {b}", "tussen {a} en {b}", "{a}-{b}", "'s ochtends {a}, 's avonds {b}"],
            ["hetzelfde als vorige keer", "onveranderd", "zoals eerder"], "of", "op 10", ["ongeveer {n}", "rond de {n}", "zo'n {n}"],
            "interesse", "neerslachtig", ["helemaal niet", "meerdere dagen", "meer dan de helft van de dagen", "bijna elke dag"]),
        ["pt"] = new(["zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez"],
            ["Dor", "dor", "A dor está em", "Dor:", "dor nas costas"], ["humor", "Humor:", "ânimo", "o meu humor está"],
            ["Sem dor", "nenhuma dor", "não tenho dor"],
            [("bom", "good"), ("bem", "good"), ("ótimo", "good"), ("mais ou menos", "okay"), ("razoável", "okay"), ("normal", "okay"), ("mau", "low"), ("em baixo", "low"), ("triste", "low")],
            ["um pouco rígido depois do fim de semana", "muito melhor desde a última sessão", "os exercícios ajudam", "dormi mal", "obrigado por perguntar"],
            ["ontem caminhei 3 km", "dormi cerca de 7 horas", "até dia 3 de dezembro", "a próxima sessão é às 10:30"],
            ["Olá,", "Bom dia,", ""], ["Cumprimentos,", "Obrigada,", "Abraço", ""],
            ["{a} ou {b}", "entre {a} e {b}", "{a}-{b}", "de manhã {a}, à noite {b}"],
            ["igual a antes", "como da última vez", "sem alterações"], "ou", "em 10", ["cerca de {n}", "por volta de {n}", "mais ou menos {n}"],
            "interesse", "para baixo", ["nenhuma vez", "vários dias", "mais da metade dos dias", "quase todos os dias"]),
    };

    /// <summary>
    /// More shapes real patients write: a hedged number mid-sentence, everyday mood idioms, a label typed one letter
    /// off on a phone, numbers that are not answers (a short date, a time with a dot, a dose, a span of dates), and
    /// the signature with an address and phone number a clinic's older patients often have.
    /// </summary>
    private sealed record Shapes(string[] Hedges, (string Word, string Meaning)[] Idioms, string[] TypoLabels, string[] Noise, string[] Addresses);

    /// <summary>
    /// Still more: "about" after the number ("un 6 más o menos"), a number word right after "today" and a comment on
    /// yesterday, a comment compared with last time before the number, the mood label and mood word typed one letter
    /// off, a weekday and a day ("el viernes 20") with a time, and the corporate signature of a patient writing from
    /// work (a title and company, phones, an address, a legal footer with a registration number).
    /// </summary>
    private sealed record Everyday(string[] AboutAfter, string Well, string Today, string Yesterday, string[] Compared, (string Typed, string Meaning)[] MoodTypos, string[] Dates, string[] Corporate);

    private static readonly Dictionary<string, Everyday> Daily = new()
    {
        ["en"] = new(["{n} or so", "{n} more or less", "{n}, give or take"], "So,", "Today", "Yesterday was worse.", ["Better than last time", "Not as good as last week"],
            [("moood ok", "okay"), ("Mood goood", "good"), ("Mood: graet", "good")], ["I see the physio on Friday 20th at 10.15", "back at work Monday 7"],
            ["Senior Analyst | Ardmore Insurance DAC\nT: +353 1 661 2040 | M: +353 87 412 3398\n5 Harcourt Road, Dublin 2, D02 H294\n\nThis e-mail is confidential. Registered in Ireland No. 481236.",
             "Walsh Joinery Ltd\nUnit 3, Ballymount Industrial Estate, Dublin 12\n01 456 7890"]),
        ["de"] = new(["{n} ungefähr", "so {n} rum", "{n} oder so"], "Naja,", "Heute", "Gestern war es schlimmer.", ["Besser als letztes Mal", "Etwas schlechter als letzte Woche"],
            [("Stimung gut", "good"), ("Stimmnug gut", "good"), ("Stimmung schlecth", "low")], ["am Freitag, den 20. habe ich um 10:15 Physio", "Termin Montag 7 um 9 Uhr"],
            ["Becker Haustechnik GmbH\nHalle 3, Gewerbepark Süd 2, 70565 Stuttgart\nTel. 0711 780 3341 | Mobil 0171 2345678",
             "Sachbearbeiterin Einkauf | Müller & Söhne KG\nTel. +49 89 1234 5678\nAmtsgericht München HRA 98765, USt-IdNr. DE123456789"]),
        ["fr"] = new(["{n} à peu près", "{n} environ", "{n} plus ou moins"], "Alors,", "Aujourd'hui", "Hier c'était pire.", ["Mieux que la dernière fois", "Un peu moins bien que la semaine dernière"],
            [("umeur bonne", "good"), ("humeru bonne", "good"), ("humeur moyenen", "okay")], ["kiné vendredi 20 à 10h15", "reprise du travail lundi 7"],
            ["Responsable RH – Groupe Vitalis\n04 72 33 18 90 | 06 12 34 56 78\n27 cours Lafayette, 69003 Lyon\n\nCe message est confidentiel. SAS au capital de 50 000 €, RCS Lyon 512 345 678.",
             "Assistante de direction\nTél. 01 45 67 89 10\n8 avenue Jean Jaurès, 75019 Paris"]),
        ["es"] = new(["un {n} más o menos", "{n} aproximadamente", "{n} o así"], "Pues", "Hoy", "Ayer peor.", ["Mejor que la última vez", "Un poco peor que la semana pasada"],
            [("ánimo bein", "good"), ("aniomo bien", "good"), ("ánimo regualr", "okay")], ["el viernes 20 tengo revisión a las 17:30", "vuelvo al trabajo el lunes 7"],
            ["Departamento de Compras – Distribuciones Levante S.L.\nTel. 963 12 34 56 | Móvil 612 345 678\nAvda. del Puerto 118, 46023 Valencia\n\nEste mensaje es confidencial. CIF B12345678.",
             "Gerente | Talleres Ruiz\nPol. Ind. Las Naves, nave 7\n28823 Coslada\nTel. 91 673 22 10"]),
        ["it"] = new(["{n} più o meno", "un {n} circa", "{n} o giù di lì"], "Allora,", "Oggi", "Ieri peggio.", ["Meglio dell'ultima volta", "Un po' peggio della settimana scorsa"],
            [("umore bunoo", "good"), ("umroe buono", "good"), ("umore discerto", "okay")], ["venerdì 20 ho la visita alle 17:30", "rientro al lavoro lunedì 7"],
            ["Ufficio Acquisti – Ferri Meccanica S.p.A.\nVia Emilia 233, 40068 San Lazzaro di Savena (BO)\nTel. 051 625 1100\n\nAi sensi del D.Lgs. 196/2003 e del Regolamento UE 2016/679 questa e-mail è riservata.",
             "Studio Tecnico Rossi\nCorso Francia 118, 10143 Torino\nCell. 347 218 5566"]),
        ["nl"] = new(["{n} ongeveer", "{n} of zo", "zo'n {n} ongeveer"], "Nou,", "Vandaag", "Gisteren was het erger.", ["Beter dan vorige keer", "Iets minder dan vorige week"],
            [("stemmnig goed", "good"), ("stmming goed", "good"), ("stemming slceht", "low")], ["vrijdag 20 heb ik fysio om 10:15", "maandag 7 weer aan het werk"],
            ["Visser Schilderwerken\nUnit 4, Bedrijvenpark De Hoek 12\nMob. 06 41 22 98 70",
             "Projectleider | Bouwbedrijf Jansen B.V.\nT 030 231 4477 | M 06 12345678\nKvK 30123456"]),
        ["pt"] = new(["uns {n}", "{n} mais ou menos", "{n} ou assim"], "Então,", "Hoje", "Ontem pior.", ["Melhor que da última vez", "Um pouco pior que na semana passada"],
            [("humro bom", "good"), ("humor ótmio", "good"), ("hmuor bom", "good")], ["sexta-feira 20 tenho consulta às 17:30", "volto ao trabalho na segunda-feira 7"],
            ["Departamento Financeiro – Sousa & Filhos, Lda.\nTel. 21 123 4567 | Tlm. 912 345 678\nAv. da República 50, 1050-196 Lisboa\n\nEsta mensagem é confidencial. NIPC 501 234 567.",
             "Oficina Mecânica Pereira\nZona Industrial, Lote 12\nTlm. 936 123 456"]),
    };

    private static readonly Dictionary<string, Shapes> More = new()
    {
        ["en"] = new(["I'd say", "I would say", "I reckon"], [("on top of the world", "good"), ("super", "good"), ("fed up", "low")], ["Pian", "Pain"],
            ["physio on 18/12 at 10.15", "took 2x Ibuprofen 400", "away from 12 to 19 December", "next session 28/11"],
            ["12 Church Lane, Flat 3\nLeeds LS6 2QT\nTel 0113 496 0871", "Mob. 07700 900 461"]),
        ["de"] = new(["ich würde sagen", "ich sag mal", "würde sagen"], [("prima", "good"), ("bestens", "good"), ("im Keller", "low")], ["Schmerzn", "Schmerzen"],
            ["Termin am 18.12. um 10.15 Uhr", "2x Ibuprofen 400 genommen", "vom 12. bis 19. Dezember verreist", "Physio am 28/11"],
            ["Bahnhofstraße 14\n80335 München\nTel. 089 1234567", "Mobil: 0171 2345678"]),
        ["fr"] = new(["je dirais", "disons", "je pense"], [("au top", "good"), ("au beau fixe", "good"), ("au plus bas", "low")], ["Doleur", "Douleur"],
            ["rdv kiné le 18/12 à 14h30", "pris 2 Doliprane 1000", "absente du 12 au 19 décembre", "séance le 28/11"],
            ["12 rue de la Paix, 3e étage\n75002 Paris\nTél. 01 42 68 53 00", "Port. 06 12 34 56 78"]),
        ["es"] = new(["diría que un", "yo diría", "creo que un"], [("de maravilla", "good"), ("fatal", "low"), ("por los suelos", "low")], ["Dlor", "Dolro"],
            ["tomo 1 paracetamol de 1 g cada 8 horas", "cita el 14/12 a las 10.30", "fuera del 12 al 19 de diciembre", "fisio el 28/11"],
            ["Calle Mayor 15, 2º B\n28013 Madrid\nTel. 612 345 678", "Móvil 699 123 456"]),
        ["it"] = new(["direi un", "direi", "secondo me"], [("alle stelle", "good"), ("alla grande", "good"), ("a terra", "low")], ["Dolre", "Dolroe"],
            ["ho preso 2 Brufen 600 il 28/11", "visita il 14/12 alle 10.15", "via dal 12 al 19 dicembre", "seduta il 18/12"],
            ["Via Roma 44, int. 5\n20121 Milano\nCell. 333 1234567", "Tel. 02 1234 5678"]),
        ["nl"] = new(["ik zou zeggen een", "ik denk een", "ik schat"], [("prima", "good"), ("top", "good"), ("in de put", "low")], ["Pjin", "Pinj"],
            ["afspraak bij de huisarts op 14-12 om 10.15", "2 paracetamol van 500 genomen", "weg van 12 tot 19 december", "fysio op 28/11"],
            ["Kerkstraat 12\n1017 GC Amsterdam\nTel. 06 12345678", "Tel: 020 123 4567"]),
        ["pt"] = new(["eu diria", "diria que um", "acho que um"], [("na fossa", "low"), ("às mil maravilhas", "good"), ("de rastos", "low")], ["Dôr", "Dor"],
            ["consulta no dia 14/12 às 10h", "tomei 1 Ben-u-ron de 500", "fora de 12 a 19 de dezembro", "fisioterapia a 28/11"],
            ["Av. da Liberdade 245, 4.º\n1250-143 Lisboa\nTlm. 912 345 678", "Telefone: 21 123 4567"]),
    };

    /// <summary>
    /// Still more, as people talk: the number after a verb or "now" ("my pain is now on {n}", "ando como en {n}", "Dor
    /// nota {n}"), after an emoji or before a slash; a number typed and taken back ("{a}, no sorry {n}": {n} is meant);
    /// a mood said without a label ("bit fed up", "giù di morale") or on the line under its label; and numbers in a
    /// sentence that answer nothing: an hour after "since", an order reference, "the other two" questions.
    /// </summary>
    private sealed record Spoken(string[] Leads, string[] Corrections, (string Said, string Meaning)[] MoodsAlone, string[] Strays, string OtherTwo, string And);

    private static readonly Dictionary<string, Spoken> Talk = new()
    {
        ["en"] = new(["my pain is now on {n}", "pain went down to {n}", "I'm at {n} today", "{n} today \U0001F615", "pain's dropped to {n}"],
            ["{a}, no sorry {n}", "{a} - no wait, {n}", "{a}, I mean {n}", "{a}... make that {n}"],
            [("bit fed up", "low"), ("in great form", "good"), ("down in the dumps", "low"), ("over the moon", "good")],
            ["sorry, been in meetings since 8", "the roller came (order #40418-7)", "I'd rather skip the other two"], "As for the other two:", "and"),
        ["de"] = new(["heute {n}", "Schmerzen sind runter auf {n}", "bin bei {n}", "{n} heute \U0001F610", "Schmerz isch {n}"],
            ["{a} - äh nein, {n}", "{a}, Korrektur: {n}", "{a}, ich meine {n}", "{a}... nein, {n}"],
            [("gut drauf", "good"), ("ziemlich schlecht drauf", "low"), ("schlecht gelaunt", "low"), ("guter Dinge", "good")],
            ["bin seit 7 auf den Beinen", "Bestellnummer #30112-4 kam heute", "die anderen zwei lasse ich aus"], "Bei den anderen zwei:", "und"),
        ["fr"] = new(["j'ai mal à {n}", "douleur descendue à {n}", "je suis à {n} aujourd'hui", "{n} aujourd'hui \U0001F614", "la douleur est passée à {n}"],
            ["{a} enfin {n}", "{a}, non pardon, {n}", "{a}... enfin plutôt {n}", "{a}, je veux dire {n}"],
            [("un peu découragée", "low"), ("de bonne humeur", "good"), ("j'ai le cafard", "low"), ("j'ai la pêche", "good")],
            ["au travail depuis 8", "commande n° 55120-3 reçue", "je passe les deux autres"], "Pour les deux autres questions :", "et"),
        ["es"] = new(["ando como en {n}", "el dolor bajó a {n}", "estoy en {n} hoy", "{n} hoy \U0001F615", "nota {n}"],
            ["{a}, digo {n}", "{a}, perdón, {n}", "{a}, mejor dicho {n}", "{a}... no, perdón, {n}"],
            [("re bien de ánimo", "good"), ("con el ánimo por el piso", "low"), ("de buen humor", "good"), ("bajoneada", "low")],
            ["trabajando desde 8", "pedido #77031-2 recibido", "las otras dos prefiero no contestarlas"], "Las otras dos:", "y"),
        ["it"] = new(["sui {n}", "il dolore è sceso a {n}", "sto a {n} oggi", "{n} oggi \U0001F615", "voto {n}"],
            ["{a}, anzi no, {n}", "{a}, cioè {n}", "{a}... scusa, {n}", "{a}, volevo dire {n}"],
            [("sono giù di morale", "low"), ("di buon umore", "good"), ("un po' giù di corda", "low"), ("su di morale", "good")],
            ["in ufficio dalle 8", "ordine n. 66201-5 arrivato", "le altre due preferisco saltarle"], "Per le altre due:", "e"),
        ["nl"] = new(["ik zit op {n}", "de pijn is gezakt naar {n}", "vandaag {n}", "{n} vandaag \U0001F615", "pijn nog maar {n}"],
            ["{a}, nee sorry, {n}", "{a}, ik bedoel {n}", "{a}... nee wacht, {n}", "{a}, correctie: {n}"],
            [("in een goede bui", "good"), ("slecht gehumeurd", "low"), ("goedgehumeurd", "good"), ("in een slechte bui", "low")],
            ["sinds 8 aan het werk", "bestelling #81234-9 is binnen", "de andere twee sla ik over"], "De andere twee:", "en"),
        ["pt"] = new(["a dor tá em {n}", "Dor nota {n}", "ando nos {n}", "{n} hoje \U0001F615", "a dor desceu para {n}"],
            ["{a}, quer dizer, {n}", "{a}, digo, {n}", "{a}... aliás, {n}", "{a}, ou melhor, {n}"],
            [("de bom humor", "good"), ("mal-humorada", "low"), ("de mau humor", "low"), ("bem-disposto", "good")],
            ["trabalhando desde as 8", "encomenda nº 44120-6 chegou", "as outras duas prefiro não responder"], "As outras duas:", "e"),
    };

    private static readonly string[] Names = ["Dana", "Jonas", "Amélie", "Lucía", "Giulia", "Sanne", "João", "Mia K.", "Peter"];

    /// <summary>A reply in the language, with what it meant; about one in eight is genuinely ambiguous.</summary>
    public static Written Write(Random random, string language, bool asksPhq2)
    {
        var w = Lang[language];
        T Pick<T>(T[] items) => items[random.Next(items.Length)];
        string Num(int n) => random.Next(4) == 0 ? w.Numbers[n] : n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var lines = new List<string>();
        var greeting = Pick(w.Greetings);
        if (greeting.Length > 0) lines.AddRange([greeting, ""]);

        if (random.Next(8) == 0)
        {
            // Ambiguous: a range, two pains, or "same as before" with no number; nothing may be stored as pain.
            var a = random.Next(0, 9);
            var ambiguous = random.Next(3) == 0 ? Pick(w.SameAsBefore) : Pick(w.Ranges).Replace("{a}", Num(a), StringComparison.Ordinal).Replace("{b}", Num(a + 1 + random.Next(2)), StringComparison.Ordinal);
            lines.Add(random.Next(2) == 0 ? ambiguous : $"{Pick(w.PainLabels)} {ambiguous}");
            lines.AddRange(SignOff(random, w));
            return new Written(language, string.Join('\n', lines), new Meant(null, null, null, null, null, Ambiguous: true), "ambiguous");
        }

        var pain = random.Next(0, 11);
        var more = More[language];
        if (random.Next(25) == 0)
        {
            // The number word alone, as a phone user answers: "tres", "otto", "sechs".
            lines.Clear();
            lines.Add(random.Next(2) == 0 ? w.Numbers[pain] : Capital(w.Numbers[pain]));
            lines.AddRange(SignOff(random, w));
            return new Written(language, string.Join('\n', lines), new Meant(pain, null, null, null, null, Ambiguous: false), "number word alone");
        }
        if (random.Next(25) == 0)
        {
            // Only in the subject line: "Re: … — 4", "Re: … pain 3 mood good"; the body has no number.
            var (word, meaning) = Pick(w.Moods);
            var withMood = random.Next(2) == 0;
            lines.Add(Capital(Pick(w.Comments)) + ".");
            lines.AddRange(SignOff(random, w));
            return new Written(language, string.Join('\n', lines), new Meant(pain, null, withMood ? meaning : null, null, null, Ambiguous: false), "subject line")
            {
                SubjectAddition = withMood ? $" {w.PainLabels[1]} {pain} {w.MoodLabels[0]} {word}" : $" \u2014 {pain}",
            };
        }
        var daily = Daily[language];
        if (random.Next(40) == 0)
        {
            // The whole subject typed over: "pain 3, mood good"; the body only greets.
            var (word, meaning) = Pick(w.Moods);
            lines.Add(Capital(Pick(w.Comments)) + ".");
            lines.AddRange(SignOff(random, w));
            return new Written(language, string.Join('\n', lines), new Meant(pain, null, meaning, null, null, Ambiguous: false), "whole subject")
            {
                Subject = $"{w.PainLabels[1]} {pain}, {w.MoodLabels[0]} {word}",
            };
        }
        var talk = Talk[language];
        var later = Later[language];
        var (painText, phrasing) = random.Next(24) switch
        {
            22 => (Pick(later.Levels).Replace("{n}", pain.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), "level without a label"),
            23 when pain == 0 => (Pick(later.Zeros), "zero word by the label"),
            23 => (Pick(later.Corrections).Replace("{a}", Num((pain + 1 + random.Next(9)) % 11), StringComparison.Ordinal).Replace("{n}", Num(pain), StringComparison.Ordinal), "taken back in two words"),
            18 => (Pick(talk.Leads).Replace("{n}", pain.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), "verb, 'now' or emoji by the number"),
            21 => ($"{pain} /", "number / mood"),
            19 => (Pick(talk.Corrections).Replace("{a}", Num((pain + 1 + random.Next(9)) % 11), StringComparison.Ordinal).Replace("{n}", Num(pain), StringComparison.Ordinal), "a number taken back"),
            20 => ($"{Pick(w.PainLabels)} {Pick(talk.Corrections).Replace("{a}", Num((pain + 1 + random.Next(9)) % 11), StringComparison.Ordinal).Replace("{n}", Num(pain), StringComparison.Ordinal)}", "a labelled number taken back"),
            13 => ((random.Next(2) == 0 ? daily.Well + " " : "") + Pick(daily.AboutAfter).Replace("{n}", pain.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), "about after the number"),
            14 => ($"{daily.Today} {w.Numbers[pain]}. {daily.Yesterday}", "number word after today"),
            15 => ($"{Pick(daily.Compared)}, {Num(pain)}", "comment compared, then the number"),
            16 => ($"{Pick(more.TypoLabels)} {pain}", "label typo"),
            17 => ($"{Pick(w.PainLabels)} {Num(pain)}", "labelled"),
            10 => ($"{Capital(Pick(w.Comments))}, {Pick(more.Hedges)} {pain}", "hedged mid-sentence"),
            11 => ($"{Pick(more.Hedges)} {pain}", "hedged"),
            12 => ($"{Pick(more.TypoLabels)} {pain}", "label typo"),
            0 when pain == 0 => (Pick(w.NoPain), "no pain"),
            0 or 1 => ($"{Num(pain)} - {Pick(w.Comments)}", "number first, comment after"),
            2 => (Pick(w.Approx).Replace("{n}", pain.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), "approximately"),
            3 => ($"{Num(pain)} {w.Out}", "n out of 10"),
            4 => ($"{pain}/10", "n/10"),
            _ => ($"{Pick(w.PainLabels)} {Num(pain)}", "labelled"),
        };
        string? moodWord = null;
        int? moodScore = null;
        var parts = new List<string> { painText };
        if (phrasing == "number / mood")
        {
            // "4 / ok": the mood word after a slash, no label.
            var (word, meaning) = Pick(w.Moods);
            moodWord = meaning;
            parts[0] += " " + word;
        }
        else if (random.Next(5) != 0)
        {
            if (random.Next(4) == 0)
            {
                moodScore = random.Next(0, 11);
                parts.Add($"{Pick(w.MoodLabels)} {moodScore}");
            }
            else if (random.Next(6) == 0)
            {
                // Said without a label ("bit fed up"), or the label on one line and the mood on the next.
                var (said, meaning) = random.Next(2) == 0 ? Pick(talk.MoodsAlone) : Pick(w.Moods);
                moodWord = meaning;
                parts.Add(random.Next(2) == 0 && talk.MoodsAlone.Any(m => m.Said == said) ? said : $"\n{Capital(Pick(w.MoodLabels).TrimEnd(':'))}\n{said}");
            }
            else if (random.Next(7) == 0)
            {
                // "I'm a bit low", "ik ben wat somber", "Mood 👍"; or the mood word a sentence of its own after the pain.
                var sentence = random.Next(2) == 0;
                var (said, meaning) = sentence ? Pick(later.MoodSentences) : Pick(later.MoodsSaid);
                moodWord = meaning;
                if (sentence) parts[0] += $". {said}.";
                else parts.Add(said);
            }
            else if (random.Next(8) == 0)
            {
                // Typed one letter off on a phone: the mood label, or the mood word after it.
                var (typed, meaning) = Pick(daily.MoodTypos);
                moodWord = meaning;
                parts.Add(typed);
            }
            else
            {
                var (word, meaning) = random.Next(4) == 0 ? Pick(more.Idioms) : Pick(w.Moods);
                moodWord = meaning;
                parts.Add($"{Pick(w.MoodLabels)} {word}");
            }
        }
        int? phqA = null, phqB = null;
        if (asksPhq2 && random.Next(3) != 0)
        {
            (phqA, phqB) = (random.Next(4), random.Next(4));
            parts.Add(random.Next(3) switch
            {
                0 => $"{w.Interest} {phqA}, {w.Down} {phqB}",
                1 => $"{w.Interest}: {w.PhqOptions[phqA.Value]}, {w.Down}: {w.PhqOptions[phqB.Value]}",
                2 when random.Next(3) == 0 => $"{talk.OtherTwo} {w.PhqOptions[phqA.Value]} {talk.And} {w.PhqOptions[phqB.Value]}",
                // "Frage 1: 2, Frage 2: 3" after a labelled pain and mood.
                2 when phrasing == "labelled" && (moodWord is not null || moodScore is not null) && random.Next(2) == 0 => $"{later.Question} 1: {phqA}, {later.Question} 2: {phqB}",
                _ => $"\n{phqA} {phqB}",
            });
        }
        var separator = random.Next(3) switch { 0 => ", ", 1 => "\n", _ => ". " };
        var body = parts[0].Contains(" - ", StringComparison.Ordinal) ? parts[0] + "\n" + string.Join(separator, parts.Skip(1)) : string.Join(separator, parts);
        // Mail clients drop the blank at the end of a line (format=flowed would join it to the next).
        lines.Add(string.Join('\n', body.Split('\n').Select(l => l.TrimEnd())));
        if (random.Next(3) == 0) lines.AddRange(["", Capital(random.Next(6) switch { 0 => Pick(w.Comments), 1 => Pick(w.CommentsWithNumbers), 2 => Pick(daily.Dates), 3 => Pick(talk.Strays), 4 => Pick(later.Hours), _ => Pick(more.Noise) }) + "."]);
        lines.AddRange(SignOff(random, w));
        switch (random.Next(8))
        {
            case 0 or 1: lines.AddRange(Pick(more.Addresses).Split('\n')); break;
            case 2: lines.AddRange(Pick(daily.Corporate).Split('\n')); break;
        }
        return new Written(language, string.Join('\n', lines), new Meant(pain, moodScore, moodWord, phqA, phqB, Ambiguous: false), phrasing);
    }

    private static IEnumerable<string> SignOff(Random random, Words w)
    {
        var signOff = w.SignOffs[random.Next(w.SignOffs.Length)];
        if (signOff.Length > 0) yield return "";
        if (signOff.Length > 0) yield return signOff;
        yield return Names[random.Next(Names.Length)];
    }

    private static string Capital(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
