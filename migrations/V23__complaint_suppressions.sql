-- Why an address is suppressed, typed beside the reason people read: 'refused' by a mail server (a 5xx, a hard
-- bounce, delays in a row) or 'complaint' (the patient marked a check-in as spam at their mailbox provider). Both are
-- lifted by an admin; STOP (opted_out_at) is the patient's own word and is not among them.
ALTER TABLE patients ADD COLUMN undeliverable_because text
    CHECK (undeliverable_because IN ('refused', 'complaint'));
UPDATE patients SET undeliverable_because = 'refused' WHERE undeliverable_at IS NOT NULL;
