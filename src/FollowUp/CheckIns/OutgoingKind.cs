namespace FollowUp.CheckIns;

/// <summary>
/// The kinds of patient email dispatch sends from its one queue. A check-in is a row of its own (check_ins: it is
/// answered, it expires); every email about a sent check-in (its reminders, the one clarification of a reply we could
/// not read, the confirmation of a STOP it answered) is a row of reminders pointing at it. Each row has the same life (<see cref="SendStatus"/>) and the same
/// claim, check, send and record.
/// </summary>
internal enum OutgoingKind { CheckIn, Reminder, Clarification, StopConfirmation }

internal static class OutgoingKinds
{
    /// <summary>The table that holds this kind's rows.</summary>
    public static string Table(this OutgoingKind kind) => kind == OutgoingKind.CheckIn ? "check_ins" : "reminders";

    /// <summary>The audit kind of an event of this email: "check_in_sent", "reminder_cancelled", "clarification_failed".</summary>
    public static string AuditKind(this OutgoingKind kind, string happened) => kind switch
    {
        OutgoingKind.CheckIn => "check_in_",
        OutgoingKind.Reminder => "reminder_",
        OutgoingKind.StopConfirmation => "stop_confirmation_",
        _ => "clarification_",
    } + happened;

    /// <summary>The kind as the reminders table's kind column stores it (a check-in has none).</summary>
    public static string Sql(this OutgoingKind kind) => kind switch
    {
        OutgoingKind.Clarification => "clarification",
        OutgoingKind.StopConfirmation => "stop_confirmation",
        _ => "reminder",
    };
}
