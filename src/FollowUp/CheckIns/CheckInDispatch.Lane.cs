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

    /// <summary>A lane's run: its SMTP connection, the schedules it read (afresh each run, so an admin's edit reaches queued rows), its tally.</summary>
    private sealed class Lane(string name)
    {
        private readonly Dictionary<long, Schedule> _schedules = [];
        private readonly Dictionary<Outcome, int> _counts = [];
        public string Name => name;
        public SmtpClient? Smtp { get; set; }

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

        public DispatchResult Result() => new(_counts.GetValueOrDefault(Outcome.Sent), _counts.GetValueOrDefault(Outcome.Failed),
            _counts.GetValueOrDefault(Outcome.Retrying), _counts.GetValueOrDefault(Outcome.Cancelled), _counts.GetValueOrDefault(Outcome.Deferred));
    }
}
