using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MimeKit;

namespace FollowUp.Tests.Replies;

/// <summary>One .eml of the corpus under Replies/Samples and what must become of it (Replies/Samples/samples.json).</summary>
public sealed class Sample
{
    public string File { get; init; } = "";
    public string Client { get; init; } = "";
    public string Outcome { get; init; } = "";
    public string? Folder { get; init; }
    public string? Status { get; init; }
    public int? Pain { get; init; }
    public int? MoodScore { get; init; }
    public string? MoodWord { get; init; }
    public int? Phq2a { get; init; }
    public int? Phq2b { get; init; }
    public bool Crisis { get; init; }
    public string? OwnText { get; init; }
    /// <summary>patient (default), "&lt;&gt;" (null sender), stranger, clinic, helpdesk.</summary>
    public string EnvelopeFrom { get; init; } = "patient";
    /// <summary>reply (the check-in's token address, default), replies (no token), other (another patient's token), forged.</summary>
    public string EnvelopeTo { get; init; } = "reply";
    public bool Undeliverable { get; init; }
    public int? SoftBounces { get; init; }
    public bool OutOfOffice { get; init; }
    public bool Clarification { get; init; }
    public bool OptedOut { get; init; }
    public bool OtherUntouched { get; init; }

    public string ExpectedFolder => Folder ?? Outcome switch
    {
        "answer" or "opt_out" => "Processed",
        "unmatched" => "Unmatched",
        "bounce" => "Bounces",
        "auto_reply" => "Auto-replies",
        _ => "Rejected",
    };

    public override string ToString() => File;
}

/// <summary>The values a sample's placeholders are filled with for one sent check-in.</summary>
public sealed record SampleValues(string Patient, string PatientName, string ReplyTo, string Replies, string ClinicFrom, string MessageId, string OtherReplyTo, string Domain);

public static class Corpus
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Replies", "Samples");

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static IReadOnlyList<Sample> All { get; } =
        JsonSerializer.Deserialize<List<Sample>>(System.IO.File.ReadAllText(Path.Combine(Folder, "samples.json")), Json)!;

    /// <summary>Placeholder values for the pure steps, where no server has sent a check-in.</summary>
    public static readonly SampleValues Offline = new("patient@example.org", "Dana Sample", "replies+c1-abcdefghijklmnop@clinic.example",
        "replies@clinic.example", "checkins@clinic.example", "checkin.c1-abcdefghijklmnop@clinic.example", "replies+c2-bcdefghijklmnopq@clinic.example", "clinic.example");

    public static Sample Get(string file) => All.Single(s => s.File == file);

    public static TheoryData<string> Files
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var sample in All) data.Add(sample.File);
            return data;
        }
    }

    /// <summary>
    /// The sample's bytes with its placeholders filled. Byte-exact otherwise: Latin-1 maps each byte to one char and
    /// back, so 8-bit ISO-8859-1 and UTF-8 bodies pass through untouched.
    /// </summary>
    public static byte[] Fill(Sample sample, SampleValues values) =>
        FillText(Encoding.Latin1.GetString(System.IO.File.ReadAllBytes(Path.Combine(Folder, sample.File))), values);

    /// <summary>A message's text (one char per byte, as read with Latin-1) with its placeholders filled, as bytes.</summary>
    public static byte[] FillText(string text, SampleValues values)
    {
        text = text.Replace("{{PATIENT_NAME}}", values.PatientName, StringComparison.Ordinal)
            .Replace("{{PATIENT}}", values.Patient, StringComparison.Ordinal)
            .Replace("{{REPLY_TO}}", values.ReplyTo, StringComparison.Ordinal)
            .Replace("{{OTHER_REPLY_TO}}", values.OtherReplyTo, StringComparison.Ordinal)
            .Replace("{{REPLIES}}", values.Replies, StringComparison.Ordinal)
            .Replace("{{CLINIC_FROM}}", values.ClinicFrom, StringComparison.Ordinal)
            .Replace("{{MESSAGE_ID}}", values.MessageId, StringComparison.Ordinal)
            .Replace("{{DOMAIN}}", values.Domain, StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text);
    }

    public static MimeMessage Parse(byte[] bytes) => MimeMessage.Load(new MemoryStream(bytes));
}

/// <summary>
/// Sends bytes as they are over SMTP (MailKit would re-serialise the message): the corpus must reach the server
/// exactly as each client wrote it, and some cases need the null envelope sender (MAIL FROM:&lt;&gt;).
/// </summary>
public static class RawSmtp
{
    public static async Task SendAsync(string host, int port, string envelopeFrom, string recipient, byte[] message)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1, false, 1024, leaveOpen: true);
        await ExpectAsync(reader, "220");
        await CommandAsync(stream, reader, "EHLO corpus.test", "250");
        await CommandAsync(stream, reader, $"MAIL FROM:<{envelopeFrom}>", "250");
        await CommandAsync(stream, reader, $"RCPT TO:<{recipient}>", "250");
        await CommandAsync(stream, reader, "DATA", "354");
        var data = new StringBuilder();
        var text = Encoding.Latin1.GetString(message).Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
            data.Append(line.StartsWith('.') ? "." + line : line).Append("\r\n");
        var bytes = Encoding.Latin1.GetBytes(data.ToString());
        await stream.WriteAsync(bytes);
        await CommandAsync(stream, reader, ".", "250");
        await CommandAsync(stream, reader, "QUIT", "221");
    }

    private static async Task CommandAsync(NetworkStream stream, StreamReader reader, string command, string expected)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        await ExpectAsync(reader, expected, command);
    }

    private static async Task ExpectAsync(StreamReader reader, string code, string? command = null)
    {
        string? line;
        do
        {
            line = await reader.ReadLineAsync() ?? throw new IOException("SMTP server closed the connection");
        } while (line.Length > 3 && line[3] == '-');
        if (!line.StartsWith(code, StringComparison.Ordinal))
            throw new IOException($"SMTP {command ?? "greeting"}: expected {code}, got {line}");
    }
}
