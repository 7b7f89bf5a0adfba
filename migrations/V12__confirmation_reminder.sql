-- A check-in's own reminder, instead of its schedule's: a confirming check-in is open only a few days, shorter than a
-- schedule's reminder spacing, so it carries one reminder so many days after it was sent (NULL: the schedule's).
ALTER TABLE check_ins ADD COLUMN remind_after_days smallint CHECK (remind_after_days BETWEEN 1 AND 14);
