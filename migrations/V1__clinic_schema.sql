-- FollowUp's own tables. All instants are timestamptz in UTC (the connection forces Timezone=UTC);
-- calendar days of a course are plain dates in the clinic's sense, with no zone.

-- A therapist treats courses and receives the alerts about them.
CREATE TABLE therapists (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    name        text,
    created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX therapists_email_key ON therapists (lower(email));

-- A patient answers check-ins from their own address, in their own time zone (IANA id).
CREATE TABLE patients (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    email       text NOT NULL,
    time_zone   text NOT NULL,
    created_at  timestamptz NOT NULL,
    -- Set when the patient asks for no more emails (STOP); nothing is sent to them after it.
    opted_out_at timestamptz
);
CREATE INDEX patients_email_idx ON patients (lower(email));

-- A course of massage. Pain is the 0-10 numeric rating scale; pain at the end may come later
-- from the first check-in (design brief, "Clinical defaults").
CREATE TABLE courses (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id     bigint NOT NULL REFERENCES patients (id),
    therapist_id   bigint NOT NULL REFERENCES therapists (id),
    started_on     date NOT NULL,
    ended_on       date NOT NULL,
    pain_at_start  smallint NOT NULL CHECK (pain_at_start BETWEEN 0 AND 10),
    pain_at_end    smallint CHECK (pain_at_end BETWEEN 0 AND 10),
    status         text NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'paused', 'withdrawn', 'completed')),
    enrolled_at    timestamptz NOT NULL,
    CHECK (ended_on >= started_on)
);
CREATE INDEX courses_patient_idx ON courses (patient_id);
CREATE INDEX courses_therapist_idx ON courses (therapist_id);

-- One row per planned check-in email. The row is the state machine:
-- planned -> sending (claimed by one worker) -> sent -> answered, or failed / cancelled.
CREATE TABLE check_ins (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_id    bigint NOT NULL REFERENCES courses (id),
    sequence     smallint NOT NULL,
    offset_days  integer NOT NULL CHECK (offset_days > 0),
    due_at       timestamptz NOT NULL,
    status       text NOT NULL DEFAULT 'planned'
                 CHECK (status IN ('planned', 'sending', 'sent', 'answered', 'failed', 'cancelled')),
    attempts     integer NOT NULL DEFAULT 0,
    claimed_by   text,
    claimed_at   timestamptz,
    message_id   text UNIQUE,
    sent_at      timestamptz,
    failure      text,
    UNIQUE (course_id, sequence)
);
-- The dispatch claim scans only what is still to send.
CREATE INDEX check_ins_due_idx ON check_ins (due_at) WHERE status = 'planned';
CREATE INDEX check_ins_sending_idx ON check_ins (claimed_at) WHERE status = 'sending';

-- Every message read from the replies mailbox, whatever became of it, keyed by its place on the
-- IMAP server so that it is processed once even if the job runs again or twice at once.
CREATE TABLE inbound_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox       text NOT NULL,
    uid_validity  bigint NOT NULL,
    uid           bigint NOT NULL,
    message_id    text,
    received_at   timestamptz NOT NULL,
    from_address  text,
    subject       text,
    outcome       text NOT NULL,
    detail        text,
    check_in_id   bigint REFERENCES check_ins (id),
    raw_headers   text NOT NULL,
    body_text     text,
    folder        text NOT NULL,
    UNIQUE (mailbox, uid_validity, uid)
);
CREATE INDEX inbound_messages_message_id_idx ON inbound_messages (message_id);
CREATE INDEX inbound_messages_check_in_idx ON inbound_messages (check_in_id);

-- A patient's answer to a check-in: pain 0-10 and mood, as far as the reply said them.
CREATE TABLE replies (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    check_in_id         bigint NOT NULL REFERENCES check_ins (id),
    inbound_message_id  bigint NOT NULL REFERENCES inbound_messages (id),
    received_at         timestamptz NOT NULL,
    pain                smallint CHECK (pain BETWEEN 0 AND 10),
    mood_score          smallint CHECK (mood_score BETWEEN 0 AND 10),
    mood_word           text,
    answer_text         text NOT NULL
);
CREATE INDEX replies_check_in_idx ON replies (check_in_id);

-- An alert for the treating therapist. At most one open alert per course and kind: a worse reading
-- updates it instead of sending another email.
CREATE TABLE alerts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_id        bigint NOT NULL REFERENCES courses (id),
    kind             text NOT NULL,
    severity         text NOT NULL CHECK (severity IN ('high', 'normal', 'low')),
    reason           text NOT NULL,
    check_in_id      bigint REFERENCES check_ins (id),
    raised_at        timestamptz NOT NULL,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'closed')),
    notify_status    text NOT NULL DEFAULT 'pending'
                     CHECK (notify_status IN ('pending', 'sending', 'sent', 'failed')),
    notify_attempts  integer NOT NULL DEFAULT 0,
    notify_claimed_at timestamptz,
    notified_at      timestamptz,
    notify_failure   text,
    message_id       text
);
CREATE UNIQUE INDEX alerts_one_open_per_kind ON alerts (course_id, kind) WHERE status = 'open';
CREATE INDEX alerts_to_notify_idx ON alerts (raised_at) WHERE notify_status IN ('pending', 'sending');
