using MimeKit;
using MimeKit.IO;

namespace FollowUp.CheckIns;

/// <summary>
/// The body of a message sent with its last byte held back until a gate completes: the lane's record of the message
/// before it. An SMTP server takes responsibility for a message only once it has all of it (the last byte of a BDAT
/// chunk, or the CRLF.CRLF after DATA, which MailKit writes after the message's bytes), so the envelope and nearly
/// all the content travel while the previous record commits, and still no second message of the lane can be accepted
/// before the first is recorded: a crash leaves at most one sent message per lane unrecorded (docs/reliability.md).
/// Written byte for byte as the body it stands in for (the DKIM signature covers those bytes); everything else
/// MailKit asks of it (its preparation for the server's encodings, what it holds) is asked of that body.
/// </summary>
internal sealed class HeldBackMessage : MimeEntity
{
    private readonly MimeEntity _body;
    private readonly Task _gate;

    internal HeldBackMessage(MimeEntity body, Task gate) : base(body.ContentType.MediaType, body.ContentType.MediaSubtype)
    {
        (_body, _gate) = (body, gate);
        // The message writes its body's headers with its own (MergeHeaders), read from here.
        Headers.Clear();
        foreach (var header in body.Headers) Headers.Add(header.Clone());
    }

    /// <summary>
    /// Sends <paramref name="message"/> with <paramref name="send"/>, its last byte waiting for <paramref name="gate"/>
    /// (at once when the gate is already open); the message is left as it was.
    /// </summary>
    public static async Task SendAsync(MimeMessage message, Task gate, Func<MimeMessage, Task> send)
    {
        if (gate.IsCompleted || message.Body is not { } body)
        {
            await send(message);
            return;
        }
        message.Body = new HeldBackMessage(body, gate);
        try
        {
            await send(message);
        }
        finally
        {
            message.Body = body;
        }
    }

    public override void Accept(MimeVisitor visitor) => _body.Accept(visitor);

    public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78) => _body.Prepare(constraint, maxLineLength);

    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        // MailKit measures with this and transfers with the asynchronous one; were it ever to transfer with this, the
        // whole message waits for the gate, never its last byte alone.
        if (stream is not MeasuringStream) _gate.GetAwaiter().GetResult();
        _body.WriteTo(options, stream, contentOnly, cancellationToken);
    }

    public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        // Measuring the size (for BDAT or SIZE=) is no transfer: nothing to hold back.
        if (stream is MeasuringStream)
        {
            await _body.WriteToAsync(options, stream, contentOnly, cancellationToken);
            return;
        }
        using var bytes = new MemoryStream();
        await _body.WriteToAsync(options, bytes, contentOnly, cancellationToken);
        var length = (int)bytes.Length;
        var buffer = bytes.GetBuffer();
        if (length > 1) await stream.WriteAsync(buffer.AsMemory(0, length - 1), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await _gate;
        if (length > 0) await stream.WriteAsync(buffer.AsMemory(length - 1, 1), cancellationToken);
    }
}
