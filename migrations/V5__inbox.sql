-- Issue 5, the inbox. Additive only (V1-V3 are applied and checksummed by Evolve).

-- PHQ-2 (Kroenke, Spitzer & Williams 2003): two items, each 0-3; stored only when the patient clearly gave both
-- or one of them, never guessed.
ALTER TABLE replies ADD COLUMN phq2_a smallint CHECK (phq2_a BETWEEN 0 AND 3);
ALTER TABLE replies ADD COLUMN phq2_b smallint CHECK (phq2_b BETWEEN 0 AND 3);
-- complete: pain and mood given; partial: some of it; unclear: nothing we could read (the raw text is kept anyway).
ALTER TABLE replies ADD COLUMN answer_status text NOT NULL DEFAULT 'complete'
    CHECK (answer_status IN ('complete', 'partial', 'unclear'));
-- Set at once when the patient's own words mention self-harm or suicide; the alert step reads it.
ALTER TABLE replies ADD COLUMN crisis_flag boolean NOT NULL DEFAULT false;
ALTER TABLE replies ADD COLUMN crisis_terms text;
-- A second reply to the same check-in updates this row (audited); when it last did.
ALTER TABLE replies ADD COLUMN updated_at timestamptz;
CREATE INDEX replies_crisis_idx ON replies (check_in_id) WHERE crisis_flag;

-- At most one clarification email per check-in, ever: set in the same transaction that decides to send it.
ALTER TABLE check_ins ADD COLUMN clarification_sent_at timestamptz;
-- An out-of-office reply to this check-in: reminders wait until then.
ALTER TABLE check_ins ADD COLUMN out_of_office_until timestamptz;

-- Delayed (soft) delivery reports since the patient's last answer; the address is suppressed at a threshold.
ALTER TABLE patients ADD COLUMN soft_bounces integer NOT NULL DEFAULT 0;

-- A message the inbox flagged for an admin (unmatched mail that mentions self-harm, for one).
ALTER TABLE inbound_messages ADD COLUMN crisis_flag boolean NOT NULL DEFAULT false;
