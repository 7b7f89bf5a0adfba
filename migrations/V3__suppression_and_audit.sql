-- An address the mail server refused for good (5xx, hard bounce): nothing more is sent to it until an admin
-- corrects it. Kept on the patient, since every course of theirs shares the address.
ALTER TABLE patients ADD COLUMN undeliverable_at timestamptz;
ALTER TABLE patients ADD COLUMN undeliverable_reason text;

-- Who closed an alert, and when.
ALTER TABLE alerts ADD COLUMN acknowledged_at timestamptz;
ALTER TABLE alerts ADD COLUMN acknowledged_by text;

-- The append-only audit trail: every send, reply, alert and admin change, written in the same transaction as
-- the change itself. Nothing updates or deletes these rows (the trigger below refuses it).
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    kind        text NOT NULL,
    course_id   bigint REFERENCES courses (id),
    patient_id  bigint REFERENCES patients (id),
    subject_id  bigint,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_course_idx ON audit_log (course_id, at);
CREATE INDEX audit_log_patient_idx ON audit_log (patient_id, at);
CREATE INDEX audit_log_kind_idx ON audit_log (kind, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
