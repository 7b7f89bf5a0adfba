-- The patient's language: every email FollowUp sends them is written in it (Languages/outgoing). One of the languages
-- FollowUp writes; NULL for patients enrolled before it was asked, who get the clinic's language
-- (FollowUp:Clinic:Language) until an admin sets theirs.
ALTER TABLE patients ADD COLUMN language text CHECK (language IN ('en', 'de', 'fr', 'es', 'it', 'nl', 'pt'));

-- A schedule's own templates in further languages: {"de": {"subject": "...", "text": "...", "html": "..."}, ...}.
-- The templates of the row itself are in the clinic's language; a language with no entry falls back to them.
ALTER TABLE schedules ADD COLUMN translations jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(translations) = 'object');

-- The STOP confirmation: one short email telling a patient who replied STOP that no more will come, in their language.
-- A row of the one queue, about the check-in the STOP answered (number -1: at most one per check-in).
ALTER TABLE reminders DROP CONSTRAINT reminders_kind_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_kind_check CHECK (kind IN ('reminder', 'clarification', 'stop_confirmation'));
ALTER TABLE reminders DROP CONSTRAINT reminders_number_check;
ALTER TABLE reminders ADD CONSTRAINT reminders_number_check
    CHECK ((kind = 'reminder' AND number BETWEEN 1 AND 3) OR (kind = 'clarification' AND number = 0)
        OR (kind = 'stop_confirmation' AND number = -1));
