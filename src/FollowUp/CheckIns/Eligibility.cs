namespace FollowUp.CheckIns;

/// <summary>What decides, at send time, whether a claimed row may still go (read fresh by <see cref="OutgoingQueue.StateAsync"/>).</summary>
internal sealed class SendState
{
    public string CourseStatus { get; init; } = "";
    public bool OptedOut { get; init; }
    public bool Undeliverable { get; init; }
    public string CheckInStatus { get; init; } = "";
    /// <summary>The patient replied but left a question unread: the clarification asks for it, reminders no longer do.</summary>
    public bool Awaiting { get; init; }
    public bool? StillMine { get; init; }
}

/// <summary>The send-time eligibility rules of every queued patient email. Pure.</summary>
internal static class Eligibility
{
    public enum Action { Send, Release, Cancel, Lost }

    public static (Action, string?) Decide(OutgoingKind kind, SendState state, DateTime? expiresAt, DateTime now)
    {
        if (state.StillMine != true) return (Action.Lost, null);
        // The STOP confirmation is the one email that goes because the patient opted out: whatever their courses are
        // doing, unless their address no longer takes mail.
        if (kind == OutgoingKind.StopConfirmation)
            return state.Undeliverable ? (Action.Cancel, "patient's address is undeliverable") : (Action.Send, null);
        if (state.CourseStatus == "paused") return (Action.Release, null);
        if (state.CourseStatus != "active") return (Action.Cancel, $"course {state.CourseStatus}");
        if (state.OptedOut) return (Action.Cancel, "patient opted out");
        if (state.Undeliverable) return (Action.Cancel, "patient's address is undeliverable");
        // An email about a check-in (a reminder, a clarification) only makes sense while the check-in waits for its answer.
        if (kind != OutgoingKind.CheckIn && CheckInStates.Parse(state.CheckInStatus) != SendStatus.Sent) return (Action.Cancel, $"check-in {state.CheckInStatus}");
        // A reminder tells a silent patient that we wait; after a reply, the one clarification asks for what is missing.
        if (kind == OutgoingKind.Reminder && state.Awaiting) return (Action.Cancel, "patient replied");
        // A clarification answers a reply the patient has just sent, late or not: the check-in's expiry is not its own.
        if (kind != OutgoingKind.Clarification && now >= expiresAt)
            return (Action.Cancel, kind == OutgoingKind.Reminder ? "check-in expired" : "expired before it could be sent");
        return (Action.Send, null);
    }

    /// <summary>
    /// Whether the patient's send window applies: a check-in and a reminder wait for it; a clarification and a STOP
    /// confirmation answer a reply the patient has just written, and go at once.
    /// </summary>
    public static bool WaitsForWindow(OutgoingKind kind) => kind is OutgoingKind.CheckIn or OutgoingKind.Reminder;
}
