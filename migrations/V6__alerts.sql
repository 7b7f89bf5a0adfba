-- Issue 6: assessment and alerts.

-- PHQ-2 items and the inbox's own crisis flag on a reply. Issue 5's V5 adds the same columns; IF NOT EXISTS lets
-- either migration run first.
ALTER TABLE replies ADD COLUMN IF NOT EXISTS phq2_a smallint CHECK (phq2_a BETWEEN 0 AND 3);
ALTER TABLE replies ADD COLUMN IF NOT EXISTS phq2_b smallint CHECK (phq2_b BETWEEN 0 AND 3);
ALTER TABLE replies ADD COLUMN IF NOT EXISTS crisis_flag boolean NOT NULL DEFAULT false;

-- 'digest': a low-priority alert (disengagement) that is shown in the therapist's daily digest, never emailed alone.
ALTER TABLE alerts DROP CONSTRAINT alerts_notify_status_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_notify_status_check
    CHECK (notify_status IN ('pending', 'sending', 'sent', 'failed', 'digest'));

-- When an unacknowledged alert went to the clinic lead (once).
ALTER TABLE alerts ADD COLUMN escalated_at timestamptz;
-- A crisis alert's email to the patient with the crisis contacts: pending until sent.
ALTER TABLE alerts ADD COLUMN patient_notice_status text CHECK (patient_notice_status IN ('pending', 'sending', 'sent', 'failed'));
ALTER TABLE alerts ADD COLUMN patient_notice_claimed_at timestamptz;
ALTER TABLE alerts ADD COLUMN patient_notified_at timestamptz;
ALTER TABLE alerts ADD COLUMN updated_at timestamptz;
CREATE INDEX alerts_open_idx ON alerts (raised_at) WHERE status = 'open';
CREATE INDEX alerts_patient_notice_idx ON alerts (id) WHERE patient_notice_status IN ('pending', 'sending');

-- The therapist's own zone for the daily digest; the configured default when empty.
ALTER TABLE therapists ADD COLUMN time_zone text;

-- One row per therapist and local day: the digest is claimed by inserting it, so it goes out once across all nodes.
CREATE TABLE alert_digests (
    therapist_id  bigint NOT NULL REFERENCES therapists (id),
    local_date    date NOT NULL,
    sent_at       timestamptz NOT NULL,
    PRIMARY KEY (therapist_id, local_date)
);
