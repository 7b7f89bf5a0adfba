using FollowUp.CheckIns;
using FollowUp.Mail;
using FollowUp.Schedules;
using MimeKit;

namespace FollowUp.Tests.CheckIns;

/// <summary>
/// Dispatch sends a message while the record of the one before it commits, its last byte waiting for that record: no
/// server can accept it before then. Pure: the bytes go to a stream in memory, as MailKit hands them to the server.
/// </summary>
public class HeldBackMessageTests
{
    private static MimeMessage CheckIn() => CheckInEmail.Build(
        new CheckInToSend { Id = 1, CheckInId = 1, Sequence = 1, OffsetDays = 7, AsksMood = true, PatientName = "Dana Ørsted", PatientEmail = "dana@example.org" },
        Schedule.Default, new ClinicOptions { Name = "Clinic", FromAddress = "checkins@clinic.test", ReplyAddress = "replies@clinic.test" },
        new ReplyToken(new byte[32]), DateTimeOffset.UnixEpoch, "https://clinic.test");

    private static async Task<byte[]> BytesAsync(MimeMessage message, FormatOptions options)
    {
        using var stream = new MemoryStream();
        await message.WriteToAsync(options, stream);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_held_back_message_is_written_byte_for_byte_as_the_message_itself(bool ensureNewLine)
    {
        var message = CheckIn();
        var options = FormatOptions.Default.Clone();
        options.EnsureNewLine = ensureNewLine;
        var plain = await BytesAsync(message, options);
        var body = message.Body;

        message.Body = new HeldBackMessage(body!, Task.CompletedTask);
        var held = await BytesAsync(message, options);

        Assert.True(plain.Length > 1000);
        Assert.Equal(plain, held);
    }

    [Fact]
    public async Task Every_byte_but_the_last_goes_before_the_gate_opens_and_the_last_only_after()
    {
        var message = CheckIn();
        var plain = await BytesAsync(message, FormatOptions.Default);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        message.Body = new HeldBackMessage(message.Body!, gate.Task);
        var stream = new WatchedStream();

        var writing = message.WriteToAsync(FormatOptions.Default, stream);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (stream.Written < plain.Length - 1 && DateTime.UtcNow < deadline) await Task.Delay(10);

        Assert.Equal(plain.Length - 1, stream.Written);
        Assert.True(stream.FlushedAt == plain.Length - 1, "what was written before the gate is flushed to the server");
        Assert.False(writing.IsCompleted);
        gate.SetResult();
        await writing;
        Assert.Equal(plain, stream.ToArray());
    }

    [Fact]
    public async Task A_gate_that_fails_fails_the_send_before_the_last_byte()
    {
        var message = CheckIn();
        var plain = await BytesAsync(message, FormatOptions.Default);
        message.Body = new HeldBackMessage(message.Body!, Task.FromException(new InvalidOperationException("the database went away")));
        var stream = new WatchedStream();

        await Assert.ThrowsAsync<InvalidOperationException>(() => message.WriteToAsync(FormatOptions.Default, stream));

        Assert.Equal(plain.Length - 1, stream.Written);
    }

    [Fact]
    public async Task Sending_leaves_the_message_as_it_was_and_an_open_gate_holds_nothing()
    {
        var message = CheckIn();
        var body = message.Body;
        MimeEntity? sentBody = null;

        await HeldBackMessage.SendAsync(message, new TaskCompletionSource().Task, m => { sentBody = m.Body; return Task.CompletedTask; });
        Assert.IsType<HeldBackMessage>(sentBody);
        Assert.Same(body, message.Body);

        await HeldBackMessage.SendAsync(message, Task.CompletedTask, m => { sentBody = m.Body; return Task.CompletedTask; });
        Assert.Same(body, sentBody);
    }

    /// <summary>A stream in memory that says how much was written and how much of it was flushed.</summary>
    private sealed class WatchedStream : MemoryStream
    {
        public long Written => Length;
        public long FlushedAt { get; private set; } = -1;

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            FlushedAt = Written;
            return Task.CompletedTask;
        }
    }
}
