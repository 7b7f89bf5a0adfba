-- Why FollowUp may email each patient: the consent (or other legal basis) recorded at enrolment, its withdrawal by
-- STOP or unsubscribe, and its renewal. Rows are added, never changed: the history is the record a regulator asks for.
CREATE TABLE consents (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id   bigint NOT NULL REFERENCES patients (id),
    course_id    bigint REFERENCES courses (id),
    event        text NOT NULL CHECK (event IN ('given', 'withdrawn', 'renewed')),
    -- The clinic's legal basis for the follow-up when the row was written (FollowUp:Clinic:LegalBasis); a withdrawal
    -- repeats the basis it withdraws from, if one was recorded.
    basis        text CHECK (basis IN ('consent', 'treatment_relationship', 'legitimate_interest')),
    -- How the patient gave (or withdrew) it.
    method       text NOT NULL CHECK (method IN ('in_person', 'form', 'phone', 'email', 'web', 'import', 'stop_reply', 'unsubscribe')),
    -- The day the patient gave it, as the clinic recorded it (NULL: the clinic did not say; see from_clinic_default).
    given_on     date,
    -- The clinic's standing rule (FollowUp:Clinic:DefaultConsent) stood in for a per-patient record.
    from_clinic_default boolean NOT NULL DEFAULT false,
    recorded_by  text NOT NULL CHECK (length(recorded_by) BETWEEN 1 AND 200),
    recorded_at  timestamptz NOT NULL,
    note         text CHECK (length(note) <= 500),
    CHECK (event = 'withdrawn' OR basis IS NOT NULL)
);
CREATE INDEX consents_patient_idx ON consents (patient_id, recorded_at);

-- A patient's erasure on request. Who was erased is never stored in clear: keyed hashes of the normalised address and
-- of the clinic's identifier let a repeated request be recognised. While an erasure runs, the Message-IDs of the
-- patient's mail are kept here so that an interrupted erasure finishes the mailbox on the next run; the row forgets
-- them (and the patient's id) when it completes.
CREATE TABLE erasures (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address_hash     bytea NOT NULL,
    clinic_id_hash   bytea,
    requested_at     timestamptz NOT NULL,
    requested_by     text NOT NULL,
    patient_id       bigint,
    message_ids      text[] NOT NULL DEFAULT '{}',
    mailbox_done_at  timestamptz,
    completed_at     timestamptz,
    CHECK ((completed_at IS NULL) = (patient_id IS NOT NULL))
);
CREATE INDEX erasures_address_idx ON erasures (address_hash);
CREATE INDEX erasures_clinic_id_idx ON erasures (clinic_id_hash) WHERE clinic_id_hash IS NOT NULL;
CREATE UNIQUE INDEX erasures_one_running ON erasures (patient_id) WHERE completed_at IS NULL;

-- The audit trail stays append-only, but what it must forget (an erased patient, details past their retention) is
-- redacted: the row keeps its id, time and kind, its details are replaced and its links to the patient dropped, and the
-- redaction itself is an audit row. Only a transaction that set followup.audit_redaction (AuditRedaction does, with
-- SET LOCAL) may do that much; deletes stay refused.
ALTER TABLE audit_log ADD COLUMN redacted_at timestamptz;

CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('followup.audit_redaction', true) = 'on'
       AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.kind = OLD.kind
       AND NEW.redacted_at IS NOT NULL
       AND (NEW.course_id IS NULL OR NEW.course_id = OLD.course_id)
       AND (NEW.patient_id IS NULL OR NEW.patient_id = OLD.patient_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
