using System.Data.Common;
using Dapper;

namespace FollowUp.DataProtection;

/// <summary>
/// Every row FollowUp holds about one patient, by table: what <c>patient export</c> writes out and <c>patient erase</c>
/// removes, chosen by one query so the two can never disagree.
/// </summary>
internal sealed record PatientRows(long PatientId, long[] Courses, long[] CheckIns, long[] Reminders, long[] Replies, long[] Inbound, long[] Alerts,
    long[] Consents, long[] Audit, string[] MessageIds)
{
    /// <summary>The rows of <paramref name="patientId"/>, in the caller's transaction (FOR UPDATE of the patient when erasing).</summary>
    public static Task<PatientRows> OfAsync(DbConnection connection, DbTransaction? transaction, long patientId, CancellationToken cancellationToken) =>
        SelectAsync(connection, transaction, patientId, [], cancellationToken);

    /// <summary>
    /// The rows of mail that came from an erased patient's <paramref name="addresses"/> after the erasure (a stranger's
    /// mail to the inbox: no check-in), with what hangs on it (an alert, its audit rows). No patient, course or consent.
    /// </summary>
    public static Task<PatientRows> OfMailFromAsync(DbConnection connection, DbTransaction? transaction, string[] addresses, CancellationToken cancellationToken) =>
        SelectAsync(connection, transaction, 0, addresses, cancellationToken);

    private static async Task<PatientRows> SelectAsync(DbConnection connection, DbTransaction? transaction, long patientId, string[] addresses, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<Ids>(new CommandDefinition(Select, new { patientId, addresses }, transaction, cancellationToken: cancellationToken));
        return new PatientRows(patientId, row.Courses, row.CheckIns, row.Reminders, row.Replies, row.Inbound, row.Alerts, row.Consents, row.Audit, row.MessageIds);
    }

    /// <summary>How many rows of each table, for the report and the erasure's audit row (numbers only).</summary>
    public object Counts() => new
    {
        courses = Courses.Length, check_ins = CheckIns.Length, reminders = Reminders.Length, replies = Replies.Length,
        inbound_messages = Inbound.Length, alerts = Alerts.Length, consents = Consents.Length, audit_rows = Audit.Length,
    };

    private sealed class Ids
    {
        public long[] Courses { get; init; } = [];
        public long[] CheckIns { get; init; } = [];
        public long[] Reminders { get; init; } = [];
        public long[] Replies { get; init; } = [];
        public long[] Inbound { get; init; } = [];
        public long[] Alerts { get; init; } = [];
        public long[] Consents { get; init; } = [];
        public long[] Audit { get; init; } = [];
        public string[] MessageIds { get; init; } = [];
    }

    // A patient's messages are those filed with their check-ins, those an alert about their course came from, and mail
    // from their address that matched nothing, but only when no other patient shares the address: whose such a message
    // is cannot be told, so it is neither exported nor erased with one of them. Mail from an erased patient's address
    // (@addresses, no patient: FollowUp ids start at 1) is found the same way as their unmatched mail. The audit rows
    // are those naming the patient or a course of theirs, and those about their messages, replies and alerts (an
    // alert's rows, alert_raised, alert_sent, ..., name it as their subject: the only link of one tied to no course).
    private const string Select = """
        WITH c AS (SELECT id FROM courses WHERE patient_id = @patientId),
        ci AS (SELECT id FROM check_ins WHERE course_id IN (SELECT id FROM c)),
        me AS (SELECT lower(email) AS email,
                      NOT EXISTS (SELECT 1 FROM patients o WHERE lower(o.email) = lower(p.email) AND o.id <> p.id) AS own_address
               FROM patients p WHERE id = @patientId),
        im AS (SELECT m.id, m.message_id FROM inbound_messages m
               WHERE m.check_in_id IN (SELECT id FROM ci)
                  OR m.id IN (SELECT inbound_message_id FROM alerts WHERE course_id IN (SELECT id FROM c) AND inbound_message_id IS NOT NULL)
                  OR (m.check_in_id IS NULL AND lower(m.from_address) = (SELECT email FROM me WHERE own_address))
                  OR (m.check_in_id IS NULL AND lower(m.from_address) = ANY(@addresses))),
        r AS (SELECT id FROM replies WHERE check_in_id IN (SELECT id FROM ci) OR inbound_message_id IN (SELECT id FROM im)),
        rem AS (SELECT id FROM reminders WHERE check_in_id IN (SELECT id FROM ci)),
        al AS (SELECT id FROM alerts WHERE course_id IN (SELECT id FROM c) OR check_in_id IN (SELECT id FROM ci) OR inbound_message_id IN (SELECT id FROM im)),
        au AS (SELECT a.id FROM audit_log a
               WHERE a.patient_id = @patientId OR a.course_id IN (SELECT id FROM c)
                  OR (a.kind LIKE 'inbound.%' AND a.subject_id IN (SELECT id FROM im))
                  OR (a.kind LIKE 'reply.%' AND a.subject_id IN (SELECT id FROM r))
                  OR ((a.kind LIKE 'alert%' OR a.kind LIKE 'crisis_contacts%') AND a.subject_id IN (SELECT id FROM al)))
        SELECT ARRAY(SELECT id FROM c ORDER BY id) AS courses,
               ARRAY(SELECT id FROM ci ORDER BY id) AS check_ins,
               ARRAY(SELECT id FROM rem ORDER BY id) AS reminders,
               ARRAY(SELECT id FROM r ORDER BY id) AS replies,
               ARRAY(SELECT id FROM im ORDER BY id) AS inbound,
               ARRAY(SELECT id FROM al ORDER BY id) AS alerts,
               ARRAY(SELECT id FROM consents WHERE patient_id = @patientId ORDER BY id) AS consents,
               ARRAY(SELECT id FROM au ORDER BY id) AS audit,
               ARRAY(SELECT DISTINCT message_id FROM im WHERE message_id IS NOT NULL) AS message_ids
        """;
}
