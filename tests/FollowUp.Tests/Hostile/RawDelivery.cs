using System.Net.Sockets;
using System.Text;

namespace FollowUp.Tests.Hostile;

/// <summary>
/// Puts messages into a mailbox byte for byte: IMAP APPEND of many messages per command (MULTIAPPEND, RFC 3502, with
/// non-synchronising literals, RFC 7888), and literal8 (BINARY, RFC 3516) for messages that hold NUL bytes. MailKit's
/// AppendAsync would re-serialise each message through MimeKit and so repair part of what the test means to break.
/// </summary>
public static class RawImap
{
    public static async Task AppendAsync(string host, int port, string user, string password, IReadOnlyList<byte[]> messages, int perCommand = 200)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1, false, 4096, leaveOpen: true);
        await reader.ReadLineAsync();
        await CommandAsync(stream, reader, "l", Encoding.ASCII.GetBytes($"l LOGIN \"{user}\" \"{password}\"\r\n"));
        var command = 0;
        foreach (var chunk in messages.Chunk(perCommand))
        {
            var tag = $"a{command++}";
            using var buffer = new MemoryStream();
            buffer.Write(Encoding.ASCII.GetBytes($"{tag} APPEND INBOX"));
            foreach (var message in chunk)
            {
                var binary = Array.IndexOf(message, (byte)0) >= 0;
                buffer.Write(Encoding.ASCII.GetBytes($" {(binary ? "~" : "")}{{{message.Length}+}}\r\n"));
                buffer.Write(message);
            }
            buffer.Write("\r\n"u8);
            await CommandAsync(stream, reader, tag, buffer.ToArray());
        }
        await stream.WriteAsync("z LOGOUT\r\n"u8.ToArray());
    }

    private static async Task CommandAsync(NetworkStream stream, StreamReader reader, string tag, byte[] command)
    {
        await stream.WriteAsync(command);
        while (true)
        {
            var line = await reader.ReadLineAsync() ?? throw new IOException($"IMAP server closed the connection during {tag}");
            if (!line.StartsWith(tag + " ", StringComparison.Ordinal)) continue;
            if (!line.StartsWith(tag + " OK", StringComparison.Ordinal)) throw new IOException($"IMAP {tag}: {line}");
            return;
        }
    }
}

/// <summary>One SMTP connection for many messages, sent as they are (dot-stuffed, CRLF line ends): Postfix adds the real delivery headers.</summary>
public sealed class RawSmtpSession : IAsyncDisposable
{
    private readonly TcpClient _client = new();
    private NetworkStream? _stream;
    private StreamReader? _reader;

    public static async Task<RawSmtpSession> OpenAsync(string host, int port)
    {
        var session = new RawSmtpSession();
        await session._client.ConnectAsync(host, port);
        session._stream = session._client.GetStream();
        session._reader = new StreamReader(session._stream, Encoding.Latin1, false, 1024, leaveOpen: true);
        await session.ReplyAsync("220");
        await session.CommandAsync("EHLO hostile.test", "250");
        return session;
    }

    /// <summary>Sends one message; returns null when Postfix accepted it, else its refusal.</summary>
    public async Task<string?> SendAsync(string envelopeFrom, string recipient, byte[] message)
    {
        await CommandAsync($"MAIL FROM:<{envelopeFrom}>", "250");
        var rcpt = await CommandAsync($"RCPT TO:<{recipient}>", null);
        if (!rcpt.StartsWith("250", StringComparison.Ordinal))
        {
            await CommandAsync("RSET", "250");
            return rcpt;
        }
        await CommandAsync("DATA", "354");
        var text = Encoding.Latin1.GetString(message).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        var data = new StringBuilder(text.Length + 1024);
        foreach (var line in text.TrimEnd('\n').Split('\n')) data.Append(line.StartsWith('.') ? "." : "").Append(line).Append("\r\n");
        data.Append(".\r\n");
        await _stream!.WriteAsync(Encoding.Latin1.GetBytes(data.ToString()));
        var reply = await ReplyAsync(null);
        return reply.StartsWith("250", StringComparison.Ordinal) ? null : reply;
    }

    private async Task<string> CommandAsync(string command, string? expected)
    {
        await _stream!.WriteAsync(Encoding.Latin1.GetBytes(command + "\r\n"));
        return await ReplyAsync(expected, command);
    }

    private async Task<string> ReplyAsync(string? expected, string? command = null)
    {
        string line;
        do
        {
            line = await _reader!.ReadLineAsync() ?? throw new IOException("SMTP server closed the connection");
        } while (line.Length > 3 && line[3] == '-');
        if (expected is not null && !line.StartsWith(expected, StringComparison.Ordinal))
            throw new IOException($"SMTP {command ?? "greeting"}: expected {expected}, got {line}");
        return line;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            try
            {
                await CommandAsync("QUIT", null);
            }
            catch (IOException)
            {
                // Closing anyway.
            }
            _reader!.Dispose();
            await _stream.DisposeAsync();
        }
        _client.Dispose();
    }
}
