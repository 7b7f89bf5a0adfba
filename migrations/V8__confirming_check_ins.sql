-- A confirming check-in: a short pain-only check-in asked a few days after a reading first crossed a late-worsening
-- or pain-rise threshold, before the therapist is alerted. It points at the check-in whose answer it confirms (one
-- confirmation per answer); closed once its alert went unconfirmed (expired unanswered) or it no longer matters.
ALTER TABLE check_ins ADD COLUMN confirms_check_in_id bigint REFERENCES check_ins (id);
ALTER TABLE check_ins ADD COLUMN confirmation_closed_at timestamptz;
CREATE UNIQUE INDEX check_ins_one_confirmation ON check_ins (confirms_check_in_id) WHERE confirms_check_in_id IS NOT NULL;
CREATE INDEX check_ins_open_confirmations ON check_ins (expires_at)
    WHERE confirms_check_in_id IS NOT NULL AND confirmation_closed_at IS NULL;
