using System.Text;

namespace FollowUp.Tests.Replies.Generated;

/// <summary>
/// The mail clients patients reply with, each writing a reply as that client does: its header order, MIME structure,
/// charset and transfer encoding, its attribution or header block in the patient's language, its signature, and
/// where it puts the quoted check-in. Placeholders ({{PATIENT}}, {{REPLY_TO}}, …) are filled as for the corpus files.
/// </summary>
public static class MailClients
{
    public static readonly string[] All =
    [
        "gmail-web", "gmail-android", "outlook-desktop", "outlook-web", "outlook-mobile", "apple-mail", "iphone", "ipad",
        "samsung", "yahoo", "proton", "gmx", "webde", "orange", "thunderbird", "mutt",
    ];

    private const string Clinic = "Test Clinic";
    private const string Subject = "Test Clinic: how is your back, one week after your massage course?";

    /// <summary>The check-in as FollowUp sends it (the part patients quote).</summary>
    public static readonly string[] CheckIn =
    [
        "Hello {{PATIENT_NAME}},", "", "It is one week since your massage course ended. How is your back?", "Please reply to this email with two short answers:", "",
        "Pain: a number from 0 to 10 for your back pain over the past week", "      (0 = no pain, 10 = worst pain imaginable)",
        "Mood: how your mood has been (for example good, okay or low, or a number from 0 = very low to 10 = very good)", "",
        "For example:  Pain 3, mood good", "", "To stop these emails, reply STOP.", "", "Test Clinic",
    ];

    private static readonly Dictionary<string, string> Gmail = new()
    {
        ["en"] = "On Tue, 24 Nov 2026 at 09:30, Test Clinic <{{CLINIC_FROM}}> wrote:",
        ["de"] = "Am Di., 24. Nov. 2026 um 09:30 Uhr schrieb Test Clinic <{{CLINIC_FROM}}>:",
        ["fr"] = "Le mar. 24 nov. 2026 à 09:30, Test Clinic <{{CLINIC_FROM}}> a écrit :",
        ["es"] = "El mar, 24 nov 2026 a las 9:30, Test Clinic (<{{CLINIC_FROM}}>) escribió:",
        ["it"] = "Il giorno mar 24 nov 2026 alle ore 09:30 Test Clinic <{{CLINIC_FROM}}> ha scritto:",
        ["nl"] = "Op di 24 nov 2026 om 09:30 schreef Test Clinic <{{CLINIC_FROM}}>:",
        ["pt"] = "Em ter., 24 de nov. de 2026 às 09:30, Test Clinic <{{CLINIC_FROM}}> escreveu:",
    };

    private static readonly Dictionary<string, string> Apple = new()
    {
        ["en"] = "On 24 Nov 2026, at 09:30, Test Clinic <{{CLINIC_FROM}}> wrote:",
        ["de"] = "Am 24.11.2026 um 09:30 schrieb Test Clinic <{{CLINIC_FROM}}>:",
        ["fr"] = "Le 24 nov. 2026 à 09:30, Test Clinic <{{CLINIC_FROM}}> a écrit :",
        ["es"] = "El 24 nov 2026, a las 9:30, Test Clinic <{{CLINIC_FROM}}> escribió:",
        ["it"] = "Il giorno 24 nov 2026, alle ore 09:30, Test Clinic <{{CLINIC_FROM}}> ha scritto:",
        ["nl"] = "Op 24 nov. 2026 om 09:30 heeft Test Clinic <{{CLINIC_FROM}}> het volgende geschreven:",
        ["pt"] = "No dia 24/11/2026, às 09:30, Test Clinic <{{CLINIC_FROM}}> escreveu:",
    };

    private static readonly Dictionary<string, string> Yahoo = new()
    {
        ["en"] = "On Tuesday, 24 November 2026, 09:30:00 GMT+1, Test Clinic <{{CLINIC_FROM}}> wrote:",
        ["de"] = "Am Dienstag, 24. November 2026, 09:30:00 MEZ hat Test Clinic <{{CLINIC_FROM}}> Folgendes geschrieben:",
        ["fr"] = "Le mardi 24 novembre 2026, 09:30:00 UTC+1, Test Clinic <{{CLINIC_FROM}}> a écrit :",
        ["es"] = "El martes, 24 de noviembre de 2026, 09:30:00 CET, Test Clinic <{{CLINIC_FROM}}> escribió:",
        ["it"] = "Il martedì 24 novembre 2026, 09:30:00 CET, Test Clinic <{{CLINIC_FROM}}> ha scritto:",
        ["nl"] = "Op dinsdag 24 november 2026 09:30:00 CET schreef Test Clinic <{{CLINIC_FROM}}>:",
        ["pt"] = "Em terça-feira, 24 de novembro de 2026, 09:30:00 CET, Test Clinic <{{CLINIC_FROM}}> escreveu:",
    };

    private static readonly Dictionary<string, string> Thunderbird = new()
    {
        ["en"] = "On 24/11/2026 09:30, Test Clinic wrote:", ["de"] = "Am 24.11.26 um 09:30 schrieb Test Clinic:",
        ["fr"] = "Le 24/11/2026 à 09:30, Test Clinic a écrit :", ["es"] = "El 24/11/26 a las 9:30, Test Clinic escribió:",
        ["it"] = "Il 24/11/26 09:30, Test Clinic ha scritto:", ["nl"] = "Op 24-11-2026 om 09:30 schreef Test Clinic:",
        ["pt"] = "Em 24/11/2026 09:30, Test Clinic escreveu:",
    };

    // Outlook's header block: From, Sent, To, Subject in the language of the patient's Outlook.
    private static readonly Dictionary<string, string[]> OutlookLabels = new()
    {
        ["en"] = ["From:", "Sent:", "To:", "Subject:", "Tuesday, 24 November 2026 09:30"],
        ["de"] = ["Von:", "Gesendet:", "An:", "Betreff:", "Dienstag, 24. November 2026 09:30"],
        ["fr"] = ["De :", "Envoyé :", "À :", "Objet :", "mardi 24 novembre 2026 09:30"],
        ["es"] = ["De:", "Enviado el:", "Para:", "Asunto:", "martes, 24 de noviembre de 2026 9:30"],
        ["it"] = ["Da:", "Inviato:", "A:", "Oggetto:", "martedì 24 novembre 2026 09:30"],
        ["nl"] = ["Van:", "Verzonden:", "Aan:", "Onderwerp:", "dinsdag 24 november 2026 09:30"],
        ["pt"] = ["De:", "Enviado:", "Para:", "Assunto:", "terça-feira, 24 de novembro de 2026 09:30"],
    };

    private static readonly Dictionary<string, string> Divider = new()
    {
        ["en"] = "Original message", ["de"] = "Ursprüngliche Nachricht", ["fr"] = "Message d'origine", ["es"] = "Mensaje original",
        ["it"] = "Messaggio originale", ["nl"] = "Oorspronkelijk bericht", ["pt"] = "Mensagem original",
    };

    private static readonly Dictionary<string, string[]> Signature = new()
    {
        // iPhone, Samsung Galaxy, Outlook mobile, Yahoo app, Proton
        ["en"] = ["Sent from my iPhone", "Sent from my Galaxy", "Get Outlook for iOS<https://aka.ms/o0ukef>", "Sent from Yahoo Mail for iPhone", "Sent with Proton Mail secure email.", "Sent from my iPad"],
        ["de"] = ["Von meinem iPhone gesendet", "Von meinem Samsung Galaxy Smartphone gesendet.", "Outlook für iOS<https://aka.ms/o0ukef> beziehen", "Von Yahoo Mail für iPhone gesendet", "Gesendet mit der sicheren Proton Mail E-Mail.", "Von meinem iPad gesendet"],
        ["fr"] = ["Envoyé de mon iPhone", "Envoyé depuis mon Galaxy", "Obtenir Outlook pour iOS<https://aka.ms/o0ukef>", "Envoyé de Yahoo Mail pour iPhone", "Envoyé avec la messagerie sécurisée Proton Mail.", "Envoyé de mon iPad"],
        ["es"] = ["Enviado desde mi iPhone", "Enviado desde mi Galaxy", "Obtener Outlook para iOS<https://aka.ms/o0ukef>", "Enviado desde Yahoo Mail para iPhone", "Enviado con el correo electrónico seguro de Proton Mail.", "Enviado desde mi iPad"],
        ["it"] = ["Inviato da iPhone", "Inviato dal mio Galaxy", "Scarica Outlook per iOS<https://aka.ms/o0ukef>", "Inviato da Yahoo Mail per iPhone", "Inviato con l'email sicura Proton Mail.", "Inviato da iPad"],
        ["nl"] = ["Verstuurd vanaf mijn iPhone", "Verzonden vanaf mijn Galaxy", "Outlook voor iOS<https://aka.ms/o0ukef> downloaden", "Verzonden vanuit Yahoo Mail voor iPhone", "Verzonden met beveiligde e-mail van Proton Mail.", "Verstuurd vanaf mijn iPad"],
        ["pt"] = ["Enviado do meu iPhone", "Enviado do meu Galaxy", "Obter o Outlook para iOS<https://aka.ms/o0ukef>", "Enviado do Yahoo Mail para iPhone", "Enviado com o e-mail seguro Proton Mail.", "Enviado do meu iPad"],
    };

    /// <summary>The raw message a client sends when the patient replies with <paramref name="own"/> (top-posted unless inline).</summary>
    public static string Reply(string client, string language, string own, Random random, bool inline = false)
    {
        var quoted = CheckIn;
        var sig = Signature[language];
        var o = OutlookLabels[language];
        var outlookBlock = $"{o[0]} {Clinic} <{{{{CLINIC_FROM}}}}>\n{o[1]} {o[4]}\n{o[2]} {{{{PATIENT_NAME}}}} <{{{{PATIENT}}}}>\n{o[3]} {Subject}\n\n" + string.Join('\n', quoted);
        string Quote(string attribution) => attribution + "\n\n" + string.Join('\n', quoted.Select(l => l.Length == 0 ? ">" : "> " + l));
        string Inline() => Gmail["en"].Replace("Test Clinic", Clinic, StringComparison.Ordinal) + "\n" + InlineAnswer(own);
        var headers = Headers(client, language, random);
        return client switch
        {
            "gmail-web" or "gmail-android" when inline => headers + Plain("utf-8", "quoted-printable", Inline()),
            "gmail-web" => headers + Alternative("000000000000" + Hex(random, 12), Plain("UTF-8", "quoted-printable", own + "\n\n" + Wrap(Quote(Gmail[language]))),
                Html("UTF-8", "quoted-printable", $"<div dir=\"ltr\">{Br(own)}</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">{Esc(Gmail[language])}<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex\">{Br(string.Join('\n', quoted))}</blockquote></div>")),
            "gmail-android" => headers + Alternative("000000000000" + Hex(random, 12), Plain("UTF-8", "quoted-printable", own + "\n\n" + Quote(Gmail[language])),
                Html("UTF-8", "quoted-printable", $"<div dir=\"auto\">{Br(own)}</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">{Esc(Gmail[language])}<br></div><blockquote class=\"gmail_quote\" style=\"margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex\">{Br(string.Join('\n', quoted))}</blockquote></div>")),
            "outlook-desktop" => headers + Alternative("_000_" + Hex(random, 20) + "_", Plain("windows-1252", "quoted-printable", own + "\n\n" + outlookBlock),
                Html("windows-1252", "quoted-printable", $"<html><body><div class=\"WordSection1\"><p class=\"MsoNormal\">{Br(own)}</p><div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm\"><p class=\"MsoNormal\"><b>{o[0]}</b> {Clinic}<br><b>{o[1]}</b> {o[4]}</p></div><p>{Br(string.Join('\n', quoted))}</p></div></body></html>")),
            "outlook-web" => headers + Alternative("_000_" + Hex(random, 20) + "_", Plain("iso-8859-1", "quoted-printable", own + "\n\n________________________________\n" + outlookBlock),
                Html("iso-8859-1", "quoted-printable", $"<html><body><div>{Br(own)}</div><hr style=\"display:inline-block;width:98%\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>{o[0]}</b> {Clinic}<br><b>{o[1]}</b> {o[4]}</div><div>{Br(string.Join('\n', quoted))}</div></body></html>")),
            "outlook-mobile" => headers + Alternative("_000_" + Hex(random, 20) + "_", Plain("utf-8", "base64", own + "\n\n" + sig[2] + "\n________________________________\n" + outlookBlock),
                Html("utf-8", "base64", $"<html><body><div dir=\"auto\">{Br(own)}</div><div dir=\"auto\">{Esc(sig[2])}</div><div id=\"mail-editor-reference-message-container\"><b>{o[0]}</b> {Clinic}<br>{Br(string.Join('\n', quoted))}</div></body></html>")),
            // Rich text only, answers typed between the quoted questions: Apple Mail splits its blockquote there.
            "apple-mail" when inline => headers + Html("utf-8", "quoted-printable",
                $"<html><body style=\"overflow-wrap: break-word;\">{Esc(InlineGreeting[language])}<br><div><br><blockquote type=\"cite\"><div>{Esc(Apple[language])}</div><br>{Divs(quoted[..7])}</blockquote>{Br(string.Join('\n', InlineLines(own)))}<br><blockquote type=\"cite\">{Divs(quoted[7..])}</blockquote></div></body></html>"),
            "apple-mail" => headers + Alternative("Apple-Mail=_" + Guid(random), Plain("utf-8", "quoted-printable", own + "\n\n" + string.Join('\n', Quote(Apple[language]).Split('\n').Select((l, i) => i == 0 ? "> " + l : l))),
                Html("utf-8", "quoted-printable", $"<html><body style=\"word-wrap: break-word;\">{Br(own)}<br><div><blockquote type=\"cite\"><div>{Esc(Apple[language])}</div><br>{Br(string.Join('\n', quoted))}</blockquote></div></body></html>")),
            "iphone" or "ipad" => headers + Plain("utf-8", "quoted-printable", own + "\n\n" + sig[client == "iphone" ? 0 : 5] + "\n\n" + Quote(Apple[language])),
            "samsung" => headers + Alternative("--_com.samsung.android.email_" + Hex(random, 16), Plain("UTF-8", "base64", own + "\n\n\n\n" + sig[1] + "\n\n\n-------- " + Divider[language] + " --------\n" + outlookBlock.Replace(o[1], o[1] == "Sent:" ? "Date:" : o[1], StringComparison.Ordinal)),
                Html("UTF-8", "base64", $"<html><body><div dir=\"auto\">{Br(own)}</div><div dir=\"auto\"><br></div><div id=\"composer_signature\" dir=\"auto\">{Esc(sig[1])}</div><div><br></div><div dir=\"auto\">-------- {Esc(Divider[language])} --------</div><div dir=\"auto\">{Br(outlookBlock)}</div></body></html>")),
            "yahoo" => headers + Alternative("----=_Part_" + random.Next(100000, 999999) + "_" + random.Next(100000000, 999999999) + "." + random.NextInt64(1000000000000, 9999999999999), Plain("UTF-8", "quoted-printable", own + "\n\n" + (random.Next(2) == 0 ? sig[3] + "\n\n" : "") + "     " + Yahoo[language] + "  \n \n \n " + string.Join("\n ", quoted)),
                Html("UTF-8", "quoted-printable", $"<html><body><div class=\"ydp-body\"><div>{Br(own)}</div><div class=\"yahoo_quoted\"><div style=\"font-size:12px;\">{Esc(Yahoo[language])}</div><div><div>{Br(string.Join('\n', quoted))}</div></div></div></div></body></html>")),
            "proton" => headers + Alternative("b1_" + Hex(random, 32), Plain("utf-8", "quoted-printable", own + "\n\n" + sig[4] + "\n\n------- " + Divider[language] + " -------\n" + Quote(Gmail[language].Replace("Test Clinic <", "Test Clinic <", StringComparison.Ordinal))),
                Html("utf-8", "base64", $"<div>{Br(own)}</div><div class=\"protonmail_signature_block\">{Esc(sig[4])}</div><div class=\"protonmail_quote\">------- {Esc(Divider[language])} -------<br>{Esc(Gmail[language])}<br><blockquote class=\"protonmail_quote\" type=\"cite\">{Br(string.Join('\n', quoted))}</blockquote></div>")),
            "gmx" or "webde" => headers + Alternative("abmob-" + Guid(random), Plain("UTF-8", "quoted-printable", own + "\n\n" + (client == "webde" && language == "de" ? "Gesendet mit der WEB.DE Mail App\n\n" : "")
                    + $"{o[1]} {o[4]}\n{o[0]} \"{Clinic}\" <{{{{CLINIC_FROM}}}}>\n{o[2]} {{{{PATIENT}}}}\n{o[3]} {Subject}\n\n" + string.Join('\n', quoted)),
                Html("UTF-8", "quoted-printable", $"<html><body><div>{Br(own)}</div><div name=\"quote\" style=\"margin:10px 5px 5px 10px; padding: 10px 0 10px 10px; border-left:2px solid #C3D9E5;\"><div style=\"margin:0 0 10px 0;\"><b>{o[1]}</b>&nbsp;{o[4]}<br><b>{o[0]}</b>&nbsp;&quot;{Clinic}&quot;<br></div>{Br(string.Join('\n', quoted))}</div></body></html>")),
            "orange" => headers + Html("UTF-8", "8bit", $"<html><body><p>{Br(own)}</p><br><blockquote style=\"border-left: 2px solid #ccc;\"><div>&gt; Message du 24/11/26 09:30<br>&gt; De : &quot;{Clinic}&quot;<br>&gt; A : {{{{PATIENT}}}}<br>&gt; Objet : {Subject}</div>{Br(string.Join('\n', quoted))}</blockquote></body></html>"),
            "thunderbird" when inline && random.Next(2) == 0 => headers + Html("UTF-8", "8bit",
                $"<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n  </head>\n  <body>\n    <p>{Esc(InlineGreeting[language])}</p>\n    <div class=\"moz-cite-prefix\">{Esc(Thunderbird[language])}<br>\n    </div>\n"
                + $"    <blockquote type=\"cite\">\n      <pre class=\"moz-quote-pre\" wrap=\"\">{Esc(string.Join('\n', quoted[..7]))}</pre>\n    </blockquote>\n    <p>{Br(string.Join('\n', InlineLines(own)))}</p>\n"
                + $"    <blockquote type=\"cite\">\n      <pre class=\"moz-quote-pre\" wrap=\"\">{Esc(string.Join('\n', quoted[7..]))}</pre>\n    </blockquote>\n  </body>\n</html>"),
            "thunderbird" when inline => headers + Plain("UTF-8", "8bit", Thunderbird[language] + "\n" + InlineAnswer(own), flowed: true),
            "thunderbird" => headers + (random.Next(2) == 0
                ? Plain("UTF-8", "8bit", own + "\n\n" + Quote(Thunderbird[language]), flowed: true)
                : Plain("UTF-8", "8bit", Quote(Thunderbird[language]) + "\n\n" + own, flowed: true)),
            "mutt" when inline => headers + Plain("utf-8", "8bit", "* Test Clinic <{{CLINIC_FROM}}> [2026-11-24 09:30 +0100]:\n" + InlineAnswer(own)),
            "mutt" => headers + Plain("utf-8", "8bit", random.Next(2) == 0
                ? own + "\n\nOn Tue, Nov 24, 2026 at 09:30:00AM +0100, Test Clinic wrote:\n" + string.Join('\n', quoted.Select(l => "> " + l))
                : "On Tue, Nov 24, 2026 at 09:30:00AM +0100, Test Clinic wrote:\n" + string.Join('\n', quoted.Select(l => "> " + l)) + "\n\n" + own),
            _ => throw new ArgumentException($"unknown client {client}", nameof(client)),
        };
    }

    private static readonly Dictionary<string, string> InlineGreeting = new()
    {
        ["en"] = "My answers are below.", ["de"] = "Meine Antworten stehen unten.", ["fr"] = "Mes réponses sont ci-dessous.", ["es"] = "Mis respuestas van abajo.",
        ["it"] = "Le mie risposte sono qui sotto.", ["nl"] = "Mijn antwoorden staan hieronder.", ["pt"] = "As minhas respostas estão abaixo.",
    };

    private static List<string> InlineLines(string own) => own.Split('\n').Where(l => l.Trim().Length > 0).ToList();

    private static string Divs(string[] lines) => string.Concat(lines.Select(l => l.Length == 0 ? "<div><br></div>" : $"<div>{Esc(l)}</div>"));

    /// <summary>The patient's answer typed line by line under the quoted questions (pain under Pain:, mood under Mood:).</summary>
    private static string InlineAnswer(string own)
    {
        var answer = InlineLines(own);
        var result = new StringBuilder();
        foreach (var line in CheckIn)
        {
            result.Append(line.Length == 0 ? ">" : "> " + line).Append('\n');
            if (line.StartsWith("      (0 = no pain", StringComparison.Ordinal) && answer.Count > 0) result.Append(string.Join('\n', answer)).Append('\n');
        }
        return result.ToString();
    }

    private static string Headers(string client, string language, Random random)
    {
        var prefix = language switch { "de" => "AW: ", "it" => "R: ", "nl" => "RE: ", "pt" => "RE: ", "fr" or "es" => "RE: ", _ => "Re: " };
        var id = client switch
        {
            "gmail-web" or "gmail-android" => $"CA{Hex(random, 6)}+{Hex(random, 20)}@mail.gmail.com",
            "outlook-desktop" or "outlook-web" or "outlook-mobile" => $"{Hex(random, 8)}.{Hex(random, 8)}@{Hex(random, 6)}.eurprd04.prod.outlook.com",
            "apple-mail" or "iphone" or "ipad" => $"{Guid(random)}@example.org",
            "yahoo" => $"{random.Next(100000000, 999999999)}.{random.Next(1000000, 9999999)}@mail.yahoo.com",
            "proton" => $"{Hex(random, 24)}=@proton.me",
            _ => $"{Hex(random, 16)}@{client}.example",
        };
        var mailer = client switch
        {
            "apple-mail" => "X-Mailer: Apple Mail (2.3774.200.91.1.1)\n",
            "iphone" => "X-Mailer: iPhone Mail (22B91)\n",
            "ipad" => "X-Mailer: iPad Mail (22B91)\n",
            "thunderbird" => "User-Agent: Mozilla Thunderbird\n",
            "mutt" => "User-Agent: Mutt/2.2.13 (2024-03-09)\n",
            "yahoo" => "X-Mailer: WebService/1.1.22806 YMailNorrin\n",
            "outlook-desktop" => "X-Mailer: Microsoft Outlook 16.0\nThread-Index: AQHaX" + Hex(random, 10) + "==\n",
            "gmx" or "webde" => "X-UI-Message-Type: mail\n",
            _ => "",
        };
        return $"MIME-Version: 1.0\nDate: Wed, 25 Nov 2026 1{random.Next(0, 10)}:{random.Next(10, 60)}:00 +0100\nMessage-ID: <{id}>\n"
            + "In-Reply-To: <{{MESSAGE_ID}}>\nReferences: <{{MESSAGE_ID}}>\n"
            + $"Subject: {prefix}{Subject}\nFrom: {{{{PATIENT_NAME}}}} <{{{{PATIENT}}}}>\nTo: {Clinic} <{{{{REPLY_TO}}}}>\n{mailer}";
    }

    private static string Alternative(string boundary, string plain, string html) =>
        $"Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\n--{boundary}\n{plain}\n--{boundary}\n{html}\n--{boundary}--\n";

    private static string Plain(string charset, string encoding, string text, bool flowed = false) =>
        Part($"text/plain; charset=\"{charset}\"" + (flowed ? "; format=flowed" : ""), charset, encoding, text);

    private static string Html(string charset, string encoding, string html) => Part($"text/html; charset=\"{charset}\"", charset, encoding, html);

    private static string Part(string contentType, string charset, string encoding, string text)
    {
        var codePage = Encoding.GetEncoding(charset == "windows-1252" ? 1252 : charset.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase) ? 28591 : 65001);
        // Outlook and webmails fall back to UTF-8 for a message their code page cannot hold (an emoji in Windows-1252).
        if (codePage.CodePage != 65001 && codePage.GetString(codePage.GetBytes(text)) != text)
            (codePage, contentType) = (Encoding.UTF8, contentType.Replace($"charset=\"{charset}\"", "charset=\"utf-8\"", StringComparison.Ordinal));
        var bytes = codePage.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal));
        var body = encoding switch
        {
            "base64" => string.Join('\n', Convert.ToBase64String(bytes).Chunk(76).Select(c => new string(c))),
            "quoted-printable" => QuotedPrintable(bytes),
            _ => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text)),
        };
        return $"Content-Type: {contentType}\nContent-Transfer-Encoding: {encoding}\n\n{body}\n";
    }

    /// <summary>RFC 2045 quoted-printable: 76-character lines, soft breaks, non-ASCII and "=" encoded; placeholders stay readable.</summary>
    private static string QuotedPrintable(byte[] bytes)
    {
        var result = new StringBuilder();
        var line = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n')
            {
                result.Append('\n');
                line = 0;
                i++;
                continue;
            }
            var trailingSpace = (b == ' ' || b == '\t') && (i + 1 == bytes.Length || bytes[i + 1] == '\r');
            var token = b is >= 33 and <= 126 and not (byte)'=' || (b == ' ' && !trailingSpace) ? ((char)b).ToString() : $"={b:X2}";
            if (line + token.Length > 75)
            {
                result.Append("=\n");
                line = 0;
            }
            result.Append(token);
            line += token.Length;
        }
        return result.ToString();
    }

    // Gmail's plain part wraps at 78: a long attribution goes over two lines.
    private static string Wrap(string text) => string.Join('\n', text.Split('\n').Select(l => l.Length <= 78 || l.StartsWith('>') ? l : l[..l.LastIndexOf(' ', 77)] + "\n" + l[(l.LastIndexOf(' ', 77) + 1)..]));

    private static string Br(string text) => string.Join("<br>", text.Split('\n').Select(Esc));

    private static string Esc(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("&lt;{{", "&lt;{{", StringComparison.Ordinal);

    private static string Hex(Random random, int length) => string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789abcdef"[random.Next(16)]));

    private static string Guid(Random random) => $"{Hex(random, 8)}-{Hex(random, 4)}-{Hex(random, 4)}-{Hex(random, 4)}-{Hex(random, 12)}".ToUpperInvariant();
}
