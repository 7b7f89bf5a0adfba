using System.Net;
using System.Net.Sockets;
using System.Text;
using Dapper;
using FollowUp.Tests.Support;

namespace FollowUp.Tests.Faults;

/// <summary>
/// The SMTP connection drops in the middle of a message (a NAT timeout, a provider's load balancer, a cable): the
/// worker talks to the real Postfix through a relay that cuts the first connection halfway through the first
/// message's DATA. Only that message may be charged an attempt; the rest of the batch goes back untried; every patient
/// ends up with exactly one email, because a message cut before its final "." was never accepted.
/// </summary>
public class ConnectionDropTests
{
    [Fact]
    public async Task A_connection_cut_mid_message_charges_only_that_message_and_every_patient_still_gets_exactly_one_email()
    {
        await using var relay = CuttingRelay.Start(TestServers.SmtpPort, cutAfterDataBytes: 300);
        await using var clinic = await Clinic.OpenAsync(settings: new Dictionary<string, string?>
        {
            ["FollowUp:Smtp:Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var patients = new[] { "Ada", "Ben", "Cy", "Di", "Ed" };
        foreach (var patient in patients) await clinic.EnrolAsync(patient);
        clinic.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.Zero));

        var cut = await clinic.Dispatch.SendDueAsync(default);
        Assert.True(relay.Cut, "the relay never cut a connection: the test proved nothing");
        Assert.Equal((0, 0, 5), (cut.Sent, cut.Failed, cut.Retrying));
        await using (var db = await clinic.Data.OpenConnectionAsync())
        {
            var rows = (await db.QueryAsync<(string Status, int Attempts, string Failure, DateTime DueAt)>(
                "SELECT status, attempts, failure, due_at FROM check_ins WHERE sequence = 1 ORDER BY attempts DESC")).ToList();
            Assert.All(rows, r => Assert.Equal("planned", r.Status));
            Assert.All(rows, r => Assert.StartsWith("SMTP connection failed", r.Failure, StringComparison.Ordinal));
            // The message under way when the line dropped backs off a minute; the four never tried are still due.
            Assert.Equal([1, 0, 0, 0, 0], rows.Select(r => r.Attempts));
            Assert.Equal(clinic.Clock.GetUtcNow().AddMinutes(1).UtcDateTime, rows[0].DueAt);
            Assert.All(rows.Skip(1), r => Assert.True(r.DueAt <= clinic.Clock.GetUtcNow().UtcDateTime, $"due {r.DueAt:O}"));
        }

        var untried = await clinic.Dispatch.SendDueAsync(default);
        Assert.Equal(4, untried.Sent);
        clinic.Clock.Advance(TimeSpan.FromMinutes(1));
        var retried = await clinic.Dispatch.SendDueAsync(default);
        Assert.Equal(1, retried.Sent);

        foreach (var patient in patients) await new Mailbox(clinic.Address(patient.ToLowerInvariant())).WaitForAsync(1);
        // Nothing else trickles in afterwards (a cut message that Postfix had accepted would arrive as a second copy).
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var patient in patients)
            Assert.Single(await new Mailbox(clinic.Address(patient.ToLowerInvariant())).MessagesAsync());
    }

    /// <summary>
    /// A TCP relay to the real server that, on its first connection only, forwards the client's bytes up to
    /// <c>DATA</c> plus a few hundred bytes of the message, then resets both sides.
    /// </summary>
    private sealed class CuttingRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly int _target;
        private readonly int _cutAfterDataBytes;
        private Task _accepting = Task.CompletedTask;
        private int _connections;
        private volatile bool _cut;

        private CuttingRelay(int target, int cutAfterDataBytes)
        {
            _target = target;
            _cutAfterDataBytes = cutAfterDataBytes;
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Connections => Volatile.Read(ref _connections);
        public bool Cut => _cut;

        public static CuttingRelay Start(int target, int cutAfterDataBytes)
        {
            var relay = new CuttingRelay(target, cutAfterDataBytes);
            relay._listener.Start();
            relay._accepting = relay.AcceptAsync();
            return relay;
        }

        private async Task AcceptAsync()
        {
            var sessions = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var first = Interlocked.Increment(ref _connections) == 1;
                    sessions.Add(RelayAsync(client, first));
                }
            }
            catch (OperationCanceledException)
            {
                await Task.WhenAll(sessions);
            }
        }

        private async Task RelayAsync(TcpClient client, bool cutThisOne)
        {
            using var _ = client;
            using var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, _target);
            using var session = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var down = PumpAsync(server.GetStream(), client.GetStream(), null, session.Token);
            var up = PumpAsync(client.GetStream(), server.GetStream(), cutThisOne ? _cutAfterDataBytes : null, session.Token);
            await Task.WhenAny(up, down);
            if (up.IsCompletedSuccessfully && up.Result)
            {
                _cut = true;
                // A reset, not a polite close: what a dropped line looks like to both ends.
                client.Client.LingerState = new LingerOption(true, 0);
                server.Client.LingerState = new LingerOption(true, 0);
            }
            await session.CancelAsync();
            client.Close();
            server.Close();
            await Task.WhenAll(up.ContinueWith(_ => { }, TaskScheduler.Default), down.ContinueWith(_ => { }, TaskScheduler.Default));
        }

        /// <summary>Copies until end of stream; true when it stopped because it cut the message.</summary>
        private static async Task<bool> PumpAsync(Stream from, Stream to, int? cutAfterDataBytes, CancellationToken cancellationToken)
        {
            var buffer = new byte[8192];
            var seen = new StringBuilder();
            long forwarded = 0;
            while (true)
            {
                var read = await from.ReadAsync(buffer, cancellationToken);
                if (read == 0) return false;
                var count = read;
                if (cutAfterDataBytes is { } limit)
                {
                    seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
                    // DATA, or BDAT should the client use CHUNKING: the message's bytes follow either.
                    var text = seen.ToString();
                    var data = text.IndexOf("\r\nDATA\r\n", StringComparison.Ordinal);
                    if (data < 0) data = text.IndexOf("\r\nBDAT ", StringComparison.Ordinal);
                    if (data >= 0)
                    {
                        var allowed = data + "\r\nDATA\r\n".Length + limit - forwarded;
                        if (allowed < read)
                        {
                            await to.WriteAsync(buffer.AsMemory(0, (int)Math.Max(0, allowed)), cancellationToken);
                            await to.FlushAsync(cancellationToken);
                            return true;
                        }
                    }
                }
                await to.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
                forwarded += count;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
