-- A forced erasure that closes open alerts says so: how many of which kind (no patient, no reason), and the short
-- notice to the treating therapist (or the clinic lead) that an open alert was closed because the patient's data was
-- erased on request. The notice's addressees are kept only until it is sent, so a notice the mail server refused
-- is sent when the erasure is asked for again.
ALTER TABLE erasures ADD COLUMN closed_alerts jsonb NOT NULL DEFAULT '{}';
ALTER TABLE erasures ADD COLUMN notice_to text[] NOT NULL DEFAULT '{}';
ALTER TABLE erasures ADD COLUMN notice_sent_at timestamptz;
