-- The seeded default schedule reminds once, three days after a check-in went out (inside the send window, before it
-- expires): a patient who missed one email often answers the next, and a missed check-in is a reading the alert rule
-- never sees. Only the seeded schedule as the clinic got it: one an admin ever saved (an audited schedule change)
-- keeps what the admin chose. New schedules made without a reminder count get one as well.
UPDATE schedules SET reminder_count = 1, updated_at = now()
WHERE id = 1 AND reminder_count = 0
  AND NOT EXISTS (SELECT 1 FROM audit_log WHERE kind IN ('schedule_created', 'schedule_updated') AND subject_id = 1);
ALTER TABLE schedules ALTER COLUMN reminder_count SET DEFAULT 1;
