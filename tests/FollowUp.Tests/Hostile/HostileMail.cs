using System.Globalization;
using System.Text;
using FollowUp.Mail;

namespace FollowUp.Tests.Hostile;

/// <summary>A check-in that was sent, as the hostile mail generator needs it (<paramref name="MessageId"/> in angle brackets).</summary>
public sealed record SentCheckIn(long CheckInId, long PatientId, string Email, string Token, string MessageId);

/// <summary>
/// One generated message. <paramref name="Kind"/> is its category (also in its first header, X-Hostile-Case, so the
/// stored raw headers say what it was); <paramref name="Real"/> is set for the genuine replies mixed among them.
/// </summary>
public sealed record GeneratedMail(int Number, string Kind, byte[] Bytes, bool ViaSmtp, string EnvelopeFrom, string EnvelopeTo, RealReply? Real);

/// <summary>A genuine reply: right patient, right token, clear scores.</summary>
public sealed record RealReply(SentCheckIn CheckIn, int Pain, int Mood, string MessageId);

/// <summary>
/// Deterministic (seeded) hostile mail for the replies mailbox: fuzzed MIME, spoofed senders, tampered tokens, huge
/// bodies, odd charsets, SQL-looking text, loops, HTML-only, DSNs for unknown messages, with genuine replies mixed in
/// at random positions. Nothing here is ever a genuine reply except the ones marked <see cref="GeneratedMail.Real"/>:
/// a hostile message is never (the patient's own address + that patient's valid token, or no token).
/// </summary>
public sealed class HostileMail(int seed, string domain, ReplyToken tokens, IReadOnlyList<SentCheckIn> sent, int maxMessageBytes)
{
    // iso-2022-jp, koi8-r and windows-1252 are not built into .NET.
    static HostileMail() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private readonly Random _random = new(seed);
    private readonly string _replies = $"replies@{domain}";

    private static readonly string[] SqlPayloads =
    [
        "'; DROP TABLE replies; --", "pain: 3' OR 1=1", "' OR '1'='1", "\"); DELETE FROM patients; --", "$$; DROP TABLE courses; $$",
        "1; UPDATE check_ins SET status='answered'; --", "Robert'); DROP TABLE inbound_messages;--", "\\'; TRUNCATE audit_log; --",
        "E'\\x00'", "%'; SELECT pg_sleep(10); --", "' UNION SELECT email FROM patients --",
    ];

    private static readonly string[] Precedences = ["bulk", "junk", "list", "auto_reply"];

    private static readonly string[] Kinds =
    [
        "mime.truncated-multipart", "mime.bad-boundary", "mime.broken-base64", "mime.broken-qp", "mime.nested-rfc822",
        "mime.nested-multipart", "mime.absurd-header", "mime.many-headers", "mime.nul", "mime.bad-encoded-word",
        "mime.garbage", "mime.headers-only", "mime.bare-line-endings", "mime.content-type-garbage",
        "spoof.token-from-outsider", "spoof.patient-with-other-token", "spoof.display-name", "spoof.sender-header",
        "spoof.thread-headers",
        "token.flipped-hmac", "token.other-check-in-id", "token.wrong-kind", "token.garbage", "token.unknown-check-in",
        "huge.body", "huge.attachment",
        "charset.iso-2022-jp", "charset.koi8-r", "charset.windows-1252", "charset.unknown", "charset.8bit-no-charset",
        "charset.invalid-utf8",
        "sql.subject-body", "sql.headers",
        "loop.own-from", "loop.auto-submitted", "loop.precedence", "loop.x-loop", "loop.own-message-id",
        "html.only", "dsn.unknown-message", "dsn.malformed", "misc.stop-from-outsider", "misc.duplicate",
    ];

    /// <summary><paramref name="hostile"/> hostile messages with <paramref name="real"/> genuine replies at random positions.</summary>
    public List<GeneratedMail> Generate(int hostile, int real, double smtpShare)
    {
        if (real > sent.Count) throw new ArgumentOutOfRangeException(nameof(real), "more real replies than sent check-ins");
        var realTargets = sent.OrderBy(_ => _random.Next()).Take(real).ToList();
        var total = hostile + real;
        var realPositions = Enumerable.Range(0, total).OrderBy(_ => _random.Next()).Take(real).ToHashSet();
        var mails = new List<GeneratedMail>(total);
        byte[]? previous = null;
        int nextReal = 0;
        for (var n = 0; n < total; n++)
        {
            if (realPositions.Contains(n))
            {
                var target = realTargets[nextReal++];
                var reply = new RealReply(target, _random.Next(0, 11), _random.Next(0, 11), $"<real-{n}.{_random.Next():x}@patient-client.test>");
                mails.Add(new GeneratedMail(n, "real", RealBytes(n, reply), _random.NextDouble() < smtpShare, target.Email, $"replies+{target.Token}@{domain}", reply));
                continue;
            }
            var kind = Kinds[_random.Next(Kinds.Length)];
            var (bytes, smtpSafe, envelopeTo) = kind == "misc.duplicate" && previous is not null ? (previous, false, _replies) : Build(kind, n);
            previous = bytes;
            var header = Encoding.ASCII.GetBytes($"X-Hostile-Case: {kind} {n}\r\n");
            mails.Add(new GeneratedMail(n, kind, [.. header, .. bytes], smtpSafe && _random.NextDouble() < smtpShare, $"h{n}@outsider.test", envelopeTo, null));
        }
        return mails;
    }

    private byte[] RealBytes(int n, RealReply reply)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"X-Hostile-Case: real {n}\r\n")
            .Append(CultureInfo.InvariantCulture, $"From: Patient <{reply.CheckIn.Email}>\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: <replies+{reply.CheckIn.Token}@{domain}>\r\n")
            .Append("Subject: Re: How are you feeling after your course?\r\n")
            .Append("Date: Mon, 09 Nov 2026 11:00:00 +0000\r\n")
            .Append(CultureInfo.InvariantCulture, $"Message-ID: {reply.MessageId}\r\n")
            .Append(CultureInfo.InvariantCulture, $"In-Reply-To: {reply.CheckIn.MessageId}\r\n")
            .Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
            .Append(CultureInfo.InvariantCulture, $"Pain: {reply.Pain} / Mood: {reply.Mood}\r\n\r\nThanks\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private SentCheckIn AnyCheckIn() => sent[_random.Next(sent.Count)];

    private static string Outsider(int n) => $"h{n}@outsider{n % 7}.test";

    private string Sql() => SqlPayloads[_random.Next(SqlPayloads.Length)];

    private string Headers(int n, string? from = null, string? to = null, string? subject = null, string? messageId = null, string? extra = null) =>
        $"From: {from ?? $"<{Outsider(n)}>"}\r\nTo: {to ?? $"<{_replies}>"}\r\nSubject: {subject ?? "Re: your check-in"}\r\n" +
        $"Date: Mon, 09 Nov 2026 11:00:00 +0000\r\nMessage-ID: {messageId ?? $"<h{n}.{_random.Next():x}@hostile.test>"}\r\nMIME-Version: 1.0\r\n{extra ?? ""}";

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    private (byte[] Bytes, bool SmtpSafe, string EnvelopeTo) Build(string kind, int n)
    {
        var to = _replies;
        switch (kind)
        {
            case "mime.truncated-multipart":
            {
                var text = Headers(n, extra: "Content-Type: multipart/mixed; boundary=\"b1\"\r\n") +
                           "\r\n--b1\r\nContent-Type: text/plain\r\n\r\nPain: 2 Mood: 3\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJ";
                return (Ascii(text[..Math.Max(40, text.Length - _random.Next(0, 120))]), true, to);
            }
            case "mime.bad-boundary":
            {
                var boundary = _random.Next(5) switch { 0 => "", 1 => new string('b', 500), 2 => "a\"; b=\"c; --", 3 => "==?=", _ => "missing" };
                var ct = boundary == "missing" ? "Content-Type: multipart/alternative\r\n" : $"Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n";
                return (Ascii(Headers(n, extra: ct) + "\r\n--other\r\nContent-Type: text/plain\r\n\r\nPain: 1\r\n--other--\r\n--\r\n----\r\n"), true, to);
            }
            case "mime.broken-base64":
            {
                var junk = new string(Enumerable.Range(0, _random.Next(10, 4000)).Select(_ => "ABC!@#$%^&*()=+/\r\n\t-_"[_random.Next(20)]).ToArray());
                return (Ascii(Headers(n, extra: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n") + "\r\n" + junk + "\r\n===\r\n"), true, to);
            }
            case "mime.broken-qp":
                return (Ascii(Headers(n, extra: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n") +
                              "\r\nPain=3A =ZZ=\r\n=\r\n=0=1=G=00=FF=C3=28 mood=\r\n" + new string('=', _random.Next(1, 300)) + "\r\n"), true, to);
            case "mime.nested-rfc822":
            {
                // Deep nesting; the innermost message is "from" a patient with their token, which must count for nothing.
                var depth = _random.Next(20) == 0 ? _random.Next(200, 1500) : _random.Next(2, 40);
                var target = AnyCheckIn();
                var inner = $"From: <{target.Email}>\r\nTo: <replies+{target.Token}@{domain}>\r\nSubject: inner\r\n\r\nPain: 9 Mood: 0\r\n";
                for (var i = 0; i < depth; i++)
                    inner = $"From: <{Outsider(n)}>\r\nSubject: level {i}\r\nContent-Type: message/rfc822\r\n\r\n{inner}";
                return (Ascii(Headers(n, extra: "Content-Type: message/rfc822\r\n") + "\r\n" + inner), depth < 100, to);
            }
            case "mime.nested-multipart":
            {
                var depth = _random.Next(2, 600);
                var sb = new StringBuilder(Headers(n, extra: "Content-Type: multipart/mixed; boundary=\"n0\"\r\n")).Append("\r\n");
                for (var i = 0; i < depth; i++) sb.Append(CultureInfo.InvariantCulture, $"--n{i}\r\nContent-Type: multipart/mixed; boundary=\"n{i + 1}\"\r\n\r\n");
                sb.Append(CultureInfo.InvariantCulture, $"--n{depth}\r\nContent-Type: text/plain\r\n\r\nPain 4\r\n");
                // Half of them never close their boundaries.
                if (_random.Next(2) == 0) for (var i = depth; i >= 0; i--) sb.Append(CultureInfo.InvariantCulture, $"--n{i}--\r\n");
                return (Ascii(sb.ToString()), depth < 100, to);
            }
            case "mime.absurd-header":
            {
                var length = _random.Next(2_000, 90_000);
                var value = _random.Next(2) == 0 ? new string('S', length) : string.Join("\r\n ", Enumerable.Repeat("folded", length / 8));
                return (Ascii(Headers(n, subject: value) + "\r\nPain: 5 Mood: 5\r\n"), false, to);
            }
            case "mime.many-headers":
            {
                var sb = new StringBuilder(Headers(n));
                for (var i = 0; i < _random.Next(500, 5000); i++) sb.Append(CultureInfo.InvariantCulture, $"X-H{i}: {i}\r\n");
                if (_random.Next(2) == 0) for (var i = 0; i < 300; i++) sb.Append("To: <replies@").Append(domain).Append(">\r\n");
                return (Ascii(sb.Append("\r\nPain 6\r\n").ToString()), false, to);
            }
            case "mime.nul":
            {
                var text = Headers(n, subject: "nul\0here", from: $"\"na\0me\" <{Outsider(n)}>", extra: "X-Nul: a\0b\r\nContent-Type: text/plain; charset=utf-8\r\n") + "\r\nPain:\0 5\0\0 Mood 3\r\n\0\0\0";
                return (Ascii(text), false, to);
            }
            case "mime.bad-encoded-word":
            {
                var words = new[]
                {
                    "=?x-no-such-charset?Q?=FF=00=AA?=", "=?utf-8?B?####?=", "=?utf-8?Q?unterminated", "=?utf-8?B?AA==?=", "=?utf-8?B?wA==?=",
                    "=?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg?=", "=?utf-16?B?2ADYAA==?=", "=?utf-8?Q?=ED=A0=80?=", "=?=?=?==?", "=?utf-7?Q?+2ADYAA-?=",
                    "=?utf-8*en?Q?x?=", "=?utf-8?X?abc?=", "=?" + new string('a', 300) + "?Q?x?=",
                };
                var w = words[_random.Next(words.Length)];
                return (Ascii(Headers(n, subject: $"Re: {w} {w}", from: $"{w} <{Outsider(n)}>", extra: $"Content-Type: text/plain; name=\"{w}\"\r\n") + $"\r\nPain {w} 2\r\n"), true, to);
            }
            case "mime.garbage":
            {
                var bytes = new byte[_random.Next(1, 6000)];
                _random.NextBytes(bytes);
                return (bytes, false, to);
            }
            case "mime.headers-only":
                return (Ascii(Headers(n).TrimEnd('\r', '\n') + (_random.Next(2) == 0 ? "" : "\r\n")), false, to);
            case "mime.bare-line-endings":
                return (Ascii(Headers(n).Replace("\r\n", _random.Next(2) == 0 ? "\n" : "\r", StringComparison.Ordinal) + "\n\rPain 3\rMood 4\n\n\r"), false, to);
            case "mime.content-type-garbage":
            {
                var types = new[] { "text/plain; charset=\"", "multipart/; boundary=;;;===", "/", "message/partial; id=\"x\"; number=2; total=1", "text/plain; charset=utf-8; charset=koi8-r; charset=", "application/ms-tnef", "multipart/signed; protocol=\"application/pgp-signature\"; boundary=s", "text/html; charset=\"utf-8\" ; format=flowed; delsp=yes; =\"\"" };
                return (Ascii(Headers(n, extra: $"Content-Type: {types[_random.Next(types.Length)]}\r\nContent-Transfer-Encoding: {(_random.Next(2) == 0 ? "x-uuencode" : "base64; quoted")}\r\n") + "\r\nPain 7\r\n"), true, to);
            }
            case "spoof.token-from-outsider":
            {
                var target = AnyCheckIn();
                to = $"replies+{target.Token}@{domain}";
                return (Ascii(Headers(n, to: $"<{to}>", messageId: null) + "Content-Type: text/plain\r\n\r\nPain: 10 / Mood: 0\r\n"), true, to);
            }
            case "spoof.patient-with-other-token":
            {
                var (a, b) = TwoCheckIns();
                to = $"replies+{a.Token}@{domain}";
                var from = _random.Next(2) == 0 ? $"<{b.Email}>" : $"<{b.Email.ToUpperInvariant()}>";
                return (Ascii(Headers(n, from: from, to: $"<{to}>", extra: $"In-Reply-To: {a.MessageId}\r\n") + "Content-Type: text/plain\r\n\r\nPain: 10 / Mood: 0\r\nSTOP\r\n"), true, to);
            }
            case "spoof.display-name":
            {
                var target = AnyCheckIn();
                to = $"replies+{target.Token}@{domain}";
                return (Ascii(Headers(n, from: $"\"{target.Email}\" <{Outsider(n)}>", to: $"<{to}>") + "\r\nPain: 10 Mood: 0\r\n"), true, to);
            }
            case "spoof.sender-header":
            {
                var target = AnyCheckIn();
                to = $"replies+{target.Token}@{domain}";
                return (Ascii(Headers(n, to: $"<{to}>", extra: $"Sender: <{target.Email}>\r\nReply-To: <{target.Email}>\r\nReturn-Path: <{target.Email}>\r\n") + "\r\nPain: 10 Mood: 0\r\n"), true, to);
            }
            case "spoof.thread-headers":
            {
                var target = AnyCheckIn();
                return (Ascii(Headers(n, extra: $"In-Reply-To: {target.MessageId}\r\nReferences: {target.MessageId} <x@y>\r\n") + "\r\nPain: 10 Mood: 0\r\n"), true, to);
            }
            case "token.flipped-hmac":
            {
                // From the patient, to their own check-in, but the tag altered in one place: only the HMAC stands in the way.
                var target = AnyCheckIn();
                var i = target.Token.IndexOf('-', StringComparison.Ordinal) + 1 + _random.Next(target.Token.Length - target.Token.IndexOf('-', StringComparison.Ordinal) - 1);
                var flipped = target.Token[..i] + (target.Token[i] == 'a' ? 'b' : 'a') + target.Token[(i + 1)..];
                return FromPatient(n, target, flipped);
            }
            case "token.other-check-in-id":
            {
                var (a, b) = TwoCheckIns();
                var token = $"c{b.CheckInId}{a.Token[a.Token.IndexOf('-', StringComparison.Ordinal)..]}";
                return FromPatient(n, a, token);
            }
            case "token.wrong-kind":
            {
                var target = AnyCheckIn();
                var token = tokens.Create(_random.Next(2) == 0 ? 'a' : 'x', target.CheckInId);
                return FromPatient(n, target, token, _random.Next(2) == 0 ? "ACK" : null);
            }
            case "token.garbage":
            {
                var target = AnyCheckIn();
                var garbage = new[] { "", "-", "c", "c-", "c1-", "c99999999999999999999999-aaaa", new string('z', 80), "c1-!!", "c" + target.CheckInId, target.Token + "x", target.Token[..^1] };
                return FromPatient(n, target, garbage[_random.Next(garbage.Length)], smtpSafe: false);
            }
            case "token.unknown-check-in":
            {
                // A valid tag for a check-in that does not exist (another course id, another clinic).
                var target = AnyCheckIn();
                return FromPatient(n, target, tokens.Create('c', 9_000_000 + _random.Next(1_000_000)));
            }
            case "huge.body":
            {
                var size = maxMessageBytes + _random.Next(1, 2 * maxMessageBytes);
                var line = "Pain: 7 Mood: 2 " + new string('x', 60) + "\r\n";
                var body = new StringBuilder(size + line.Length);
                while (body.Length < size) body.Append(line);
                return (Ascii(Headers(n, extra: "Content-Type: text/plain\r\n") + "\r\n" + body), true, to);
            }
            case "huge.attachment":
            {
                var data = new byte[maxMessageBytes + _random.Next(1, maxMessageBytes)];
                _random.NextBytes(data);
                return (Ascii(Headers(n, extra: "Content-Type: multipart/mixed; boundary=\"h\"\r\n") +
                              "\r\n--h\r\nContent-Type: text/plain\r\n\r\nPain 1\r\n--h\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                              Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks) + "\r\n--h--\r\n"), true, to);
            }
            case "charset.iso-2022-jp":
                return Charset(n, "iso-2022-jp", Encoding.GetEncoding("iso-2022-jp").GetBytes("痛み: 3 気分: 5 ありがとう"), "7bit");
            case "charset.koi8-r":
                return Charset(n, "koi8-r", Encoding.GetEncoding("koi8-r").GetBytes("Боль: 3, настроение: 5. Спасибо"), "8bit");
            case "charset.windows-1252":
                return Charset(n, "windows-1252", Encoding.GetEncoding("windows-1252").GetBytes("Pain – 3 “mood” 5 … €"), "8bit");
            case "charset.unknown":
                return Charset(n, "x-unknown-" + _random.Next(1000), [0x50, 0x61, 0x69, 0x6e, 0x20, 0xff, 0xfe, 0x33, 0x80, 0x81], "8bit");
            case "charset.8bit-no-charset":
                return (Ascii(Headers(n, extra: "Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n", subject: "Re: Sch\u00f6ne Gr\u00fc\u00dfe \u00ff") + "\r\nSchmerz \u00e4\u00f6\u00fc 3\r\n"), true, to);
            case "charset.invalid-utf8":
            {
                byte[] bad = [0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80];
                return Charset(n, "utf-8", bad, "8bit");
            }
            case "sql.subject-body":
                return (Encoding.UTF8.GetBytes(Headers(n, subject: Sql(), from: $"\"{Sql().Replace("\"", "", StringComparison.Ordinal)}\" <{Outsider(n)}>", extra: "Content-Type: text/plain; charset=utf-8\r\n") +
                                              $"\r\n{Sql()}\r\npain: 3' OR 1=1\r\nmood: 5; DROP TABLE replies; --\r\n"), true, to);
            case "sql.headers":
            {
                var target = AnyCheckIn();
                var messageId = _random.Next(2) == 0 ? $"<'; DROP TABLE replies; --{n}@x>" : $"<\"{n}\"; DELETE FROM patients; --@evil>";
                return (Encoding.UTF8.GetBytes(Headers(n, messageId: messageId,
                    extra: $"In-Reply-To: <'; DROP TABLE check_ins; --@x>\r\nReferences: <a'b@c> <\"; DELETE FROM patients; --@d> {target.MessageId}\r\nX-Mailer: '); DROP TABLE courses; --\r\n") + $"\r\n{Sql()}\r\n"), true, to);
            }
            case "loop.own-from":
                return (Ascii(Headers(n, from: _random.Next(2) == 0 ? $"<checkins@{domain}>" : $"<{_replies}>") + "\r\nPain 3\r\n"), true, to);
            case "loop.auto-submitted":
                return (Ascii(Headers(n, extra: $"Auto-Submitted: {(_random.Next(2) == 0 ? "auto-replied" : "auto-generated")}\r\n") + "\r\nI am away. Pain 3\r\n"), true, to);
            case "loop.precedence":
                return (Ascii(Headers(n, extra: $"Precedence: {Precedences[_random.Next(Precedences.Length)]}\r\n") + "\r\nNewsletter. Pain 3\r\n"), true, to);
            case "loop.x-loop":
                return (Ascii(Headers(n, extra: $"X-Loop: {_replies}\r\n") + "\r\nPain 3\r\n"), true, to);
            case "loop.own-message-id":
                return (Ascii(Headers(n, messageId: $"<checkin.{_random.Next(1, 1000)}.{n}@{domain}>") + "\r\nPain 3\r\n"), true, to);
            case "html.only":
            {
                var html = _random.Next(3) switch
                {
                    0 => "<html><head><style>p{}</style><script>alert('x')</script></head><body><p>Pain&#0;: 3 &#xD800; &#x110000; &amp;&amp;&amp;</p></body></html>",
                    1 => string.Concat(Enumerable.Repeat("<div><table><tr><td>", 3000)) + "Pain 2",
                    _ => "<html><body><blockquote>Pain 9</blockquote><p>Mood: " + Sql() + "</p><img src=\"cid:x\" onerror=\"x\"></body></html>",
                };
                return (Encoding.UTF8.GetBytes(Headers(n, extra: "Content-Type: text/html; charset=utf-8\r\n") + "\r\n" + html + "\r\n"), true, to);
            }
            case "dsn.unknown-message":
            {
                var dsn = Headers(n, from: "MAILER-DAEMON@outsider.test", subject: "Undelivered Mail Returned to Sender",
                              extra: "Content-Type: multipart/report; report-type=delivery-status; boundary=\"d\"\r\n") +
                          "\r\n--d\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n--d\r\nContent-Type: message/delivery-status\r\n\r\n" +
                          "Reporting-MTA: dns; mx.outsider.test\r\n\r\nFinal-Recipient: rfc822; nobody@outsider.test\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" +
                          $"--d\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <unknown-{n}@nowhere.test>\r\nSubject: something we never sent\r\n\r\n--d--\r\n";
                return (Ascii(dsn), true, to);
            }
            case "dsn.malformed":
            {
                var bodies = new[]
                {
                    "--d\r\nContent-Type: message/delivery-status\r\n\r\n\r\n--d--\r\n",
                    "--d\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64\r\n--d--\r\n",
                    "--d\r\nContent-Type: message/delivery-status\r\n\r\nAction failed without colon\r\n:::\r\n\r\n" + string.Concat(Enumerable.Repeat("Action: failed\r\n\r\n", 2000)) + "--d--\r\n",
                    "--d\r\nContent-Type: message/rfc822\r\n\r\n--d--\r\n",
                    "no parts at all\r\n",
                };
                return (Ascii(Headers(n, from: "<>", extra: "Content-Type: multipart/report; report-type=\"delivery-status\"; boundary=\"d\"\r\n") + "\r\n" + bodies[_random.Next(bodies.Length)]), true, to);
            }
            case "misc.stop-from-outsider":
            {
                var target = AnyCheckIn();
                return (Ascii(Headers(n, subject: "STOP", extra: $"In-Reply-To: {target.MessageId}\r\n") + "\r\nSTOP\r\n"), true, to);
            }
            default:
                // misc.duplicate with nothing before it yet.
                return (Ascii(Headers(n) + "\r\nPain 3\r\n"), true, to);
        }
    }

    private (byte[], bool, string) FromPatient(int n, SentCheckIn target, string token, string? body = null, bool smtpSafe = true)
    {
        var to = $"replies+{token}@{domain}";
        return (Ascii(Headers(n, from: $"<{target.Email}>", to: $"<{to}>") + $"\r\n{body ?? "Pain: 10 / Mood: 0"}\r\n"), smtpSafe && token.Length > 0, to);
    }

    private (byte[], bool, string) Charset(int n, string charset, byte[] body, string transfer) =>
        ([.. Ascii(Headers(n, extra: $"Content-Type: text/plain; charset=\"{charset}\"\r\nContent-Transfer-Encoding: {transfer}\r\n") + "\r\n"), .. body, .. "\r\n"u8], true, _replies);

    private (SentCheckIn, SentCheckIn) TwoCheckIns()
    {
        var a = _random.Next(sent.Count);
        var b = (a + 1 + _random.Next(sent.Count - 1)) % sent.Count;
        return (sent[a], sent[b]);
    }
}
