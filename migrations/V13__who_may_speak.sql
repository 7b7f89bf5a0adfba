-- Self-harm wording in a message that names no course (no token, no thread, an unknown or unverified sender) is
-- still read by a person: a crisis alert to the clinic lead, tied to the message it came from instead of a course.
-- The one-open-per-course index leaves these alone (NULL course ids are distinct): one alert per such message.
ALTER TABLE alerts ALTER COLUMN course_id DROP NOT NULL;
ALTER TABLE alerts ADD COLUMN inbound_message_id bigint REFERENCES inbound_messages (id);
ALTER TABLE alerts ADD CONSTRAINT alerts_course_or_message CHECK (course_id IS NOT NULL OR inbound_message_id IS NOT NULL);
CREATE UNIQUE INDEX alerts_one_per_message ON alerts (inbound_message_id) WHERE course_id IS NULL;

-- A reply kept with its check-in but not applied (an unverified sender, a withdrawn course, long past the check-in's
-- expiry) waits for the therapist: applied (through the same path as a verified answer) or dismissed, by whom and when.
ALTER TABLE inbound_messages ADD COLUMN decided_at timestamptz;
ALTER TABLE inbound_messages ADD COLUMN decided_by text;
ALTER TABLE inbound_messages ADD COLUMN decision text CHECK (decision IN ('applied', 'dismissed'));
ALTER TABLE inbound_messages ADD COLUMN sender_proof text;

-- The clinic's own identifier of a patient (record number, MRN): two people may share an address, never this.
ALTER TABLE patients ADD COLUMN clinic_id text CHECK (length(clinic_id) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX patients_clinic_id_idx ON patients (clinic_id) WHERE clinic_id IS NOT NULL;
