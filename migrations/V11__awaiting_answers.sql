-- What a replied check-in still waits for: the questions it asked that its reply left unread ('pain', 'phq2_a',
-- 'phq2_b'). NULL while nobody replied and once every question was read (the check-in is then answered). A check-in
-- with a reply but something missing stays open, so nothing it asked is lost without a trace.
ALTER TABLE check_ins ADD COLUMN awaiting text[]
    CHECK (awaiting IS NULL OR (cardinality(awaiting) > 0 AND awaiting <@ ARRAY['pain', 'phq2_a', 'phq2_b']));
