-- One queue of patient emails. A check-in is a row of check_ins; every email about a sent check-in is a row of
-- reminders, which now holds two kinds: its reminders (number 1-3) and the one clarification of a reply we could not
-- read (number 0, so at most one per check-in by the existing UNIQUE (check_in_id, number)). Both are claimed, checked,
-- sent, retried and recorded by dispatch alike.
ALTER TABLE reminders ADD COLUMN kind text NOT NULL DEFAULT 'reminder' CHECK (kind IN ('reminder', 'clarification'));
ALTER TABLE reminders DROP CONSTRAINT reminders_number_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_number_check
    CHECK ((kind = 'reminder' AND number BETWEEN 1 AND 3) OR (kind = 'clarification' AND number = 0));
-- A clarification answers the patient's reply: its subject and Message-ID, as they came (capped by the inbox).
ALTER TABLE reminders ADD COLUMN subject text;
ALTER TABLE reminders ADD COLUMN in_reply_to text;

-- Clarifications asked before this queue existed were sent at once (or lost): carried over as sent, so that no
-- check-in is ever asked twice. check_ins.clarification_sent_at stays: when the clarification was asked for.
INSERT INTO reminders (check_in_id, kind, number, due_at, status, sent_at)
SELECT id, 'clarification', 0, clarification_sent_at, 'sent', clarification_sent_at
FROM check_ins WHERE clarification_sent_at IS NOT NULL
ON CONFLICT (check_in_id, number) DO NOTHING;
