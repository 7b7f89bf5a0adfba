-- Retention: what is past its period is removed by the daily retention job (DataProtection/Retention). Each mark says
-- when that part of a row was removed, so a run that was interrupted resumes where it stopped and never counts twice.

-- The raw message (headers, text, subject, sender) of an inbound message; the row itself stays, keyed by its place on
-- the IMAP server, so a message that is still in a folder is never processed again.
ALTER TABLE inbound_messages ADD COLUMN raw_purged_at timestamptz;
CREATE INDEX inbound_messages_raw_kept_idx ON inbound_messages (received_at) WHERE raw_purged_at IS NULL;

-- The patient's own words of a reply (answer_text, crisis_terms); the scores stay until the course's scores go.
ALTER TABLE replies ADD COLUMN text_purged_at timestamptz;
CREATE INDEX replies_text_kept_idx ON replies (received_at) WHERE text_purged_at IS NULL;

-- A course whose scores are past their period: its replies and closed alerts are deleted and its pain at start and end
-- cleared, after its outcome was copied to outcome_archive. The course row (dates, status, check-ins) stays.
ALTER TABLE courses ADD COLUMN scores_purged_at timestamptz;
ALTER TABLE courses ALTER COLUMN pain_at_start DROP NOT NULL;
ALTER TABLE courses ADD CONSTRAINT courses_pain_at_start_kept CHECK (pain_at_start IS NOT NULL OR scores_purged_at IS NOT NULL);

-- What the clinic keeps of a course after its scores went: its outcome, identifying nobody (no patient, no course id, no
-- day: the month the course ended, the therapist and schedule it ran under), so the outcomes report still covers it.
-- follow_ups: [{"offset_days": 7, "sent": true, "answered": true, "pain": 4, "phq2": 2, "mood": 6}, ...].
CREATE TABLE outcome_archive (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ended_month   date NOT NULL CHECK (extract(day FROM ended_month) = 1),
    therapist_id  bigint NOT NULL REFERENCES therapists (id),
    schedule_id   bigint NOT NULL REFERENCES schedules (id),
    pain_at_start smallint NOT NULL CHECK (pain_at_start BETWEEN 0 AND 10),
    pain_at_end   smallint CHECK (pain_at_end BETWEEN 0 AND 10),
    follow_ups    jsonb NOT NULL CHECK (jsonb_typeof(follow_ups) = 'array'),
    archived_at   timestamptz NOT NULL
);
CREATE INDEX outcome_archive_month_idx ON outcome_archive (ended_month);
