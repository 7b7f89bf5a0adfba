using FollowUp.Mail;
using FollowUp.Schedules;
using MailKit.Net.Smtp;
using Npgsql;

namespace FollowUp.CheckIns;

/// <summary>What one dispatch run did.</summary>
internal sealed record DispatchResult(int Sent, int Failed, int Retrying, int Cancelled = 0, int Deferred = 0)
{
    internal DispatchResult Add(DispatchResult o) =>
        new(Sent + o.Sent, Failed + o.Failed, Retrying + o.Retrying, Cancelled + o.Cancelled, Deferred + o.Deferred);
}

internal sealed partial class CheckInDispatch
{
    private enum Outcome { Sent, Failed, Retrying, Cancelled, Deferred, Lost }

    /// <summary>
    /// A lane's run: its SMTP connection, its two database connections (one for the check before each send, one for the
    /// record after it: they run at the same time), the schedules it read (afresh each run, so an admin's edit reaches
    /// queued rows), its tally.
    /// </summary>
    private sealed class Lane(string name, NpgsqlDataSource dataSource)
    {
        private readonly Dictionary<long, Schedule> _schedules = [];
        private readonly Dictionary<Outcome, int> _counts = [];
        private NpgsqlConnection? _checks;
        private NpgsqlConnection? _records;
        public string Name => name;
        public SmtpClient? Smtp { get; set; }

        /// <summary>The record of the message the lane sent last, committing while the next is transmitted; at most one.</summary>
        public Task Recording { get; set; } = Task.CompletedTask;

        /// <summary>Waits for the record under way, if any: before the lane hands claims back, fails one, or ends.</summary>
        public Task RecordedAsync() => Recording;

        // Held for the run rather than taken from the pool per message: a pooled connection is reset each time it is
        // taken again (Npgsql prepends its reset statements to the next command), a cost in line before every send.
        public async Task<NpgsqlConnection> ChecksAsync(CancellationToken cancellationToken) => _checks ??= await dataSource.OpenConnectionAsync(cancellationToken);

        public async Task<NpgsqlConnection> RecordsAsync(CancellationToken cancellationToken) => _records ??= await dataSource.OpenConnectionAsync(cancellationToken);

        public async Task<Schedule> ScheduleAsync(NpgsqlConnection connection, long id, CancellationToken cancellationToken)
        {
            if (!_schedules.TryGetValue(id, out var schedule))
                _schedules[id] = schedule = await ScheduleStore.ByIdAsync(connection, null, id, cancellationToken);
            return schedule;
        }

        public void Count(Outcome outcome, int n = 1) => _counts[outcome] = _counts.GetValueOrDefault(outcome) + n;

        public async Task DropConnectionAsync()
        {
            if (Smtp is not null) await MailConnections.CloseAsync(Smtp);
            Smtp = null;
        }

        /// <summary>Closes the SMTP connection at once, without QUIT: a message part-way through its DATA is never completed.</summary>
        public void AbandonSmtp()
        {
            Smtp?.Dispose();
            Smtp = null;
        }

        /// <summary>
        /// At the end of the run: the record under way finished (on a fault the run is ending with, its own failure is
        /// already kept: <see cref="RecordSentAsync"/>), the SMTP connection closed, the database connections back to the pool.
        /// </summary>
        public async Task EndAsync()
        {
            await Task.WhenAny(Recording);
            _ = Recording.Exception;
            await DropConnectionAsync();
            if (_checks is not null) await _checks.DisposeAsync();
            if (_records is not null) await _records.DisposeAsync();
            (_checks, _records) = (null, null);
        }

        public DispatchResult Result() => new(_counts.GetValueOrDefault(Outcome.Sent), _counts.GetValueOrDefault(Outcome.Failed),
            _counts.GetValueOrDefault(Outcome.Retrying), _counts.GetValueOrDefault(Outcome.Cancelled), _counts.GetValueOrDefault(Outcome.Deferred));
    }
}
