-- The natural key of an imported course, so that importing the same clinic export again adds nothing: the
-- export's own key column when it has one, otherwise "patient email|first day|last day" (see CourseImport).
ALTER TABLE courses ADD COLUMN import_key text;
CREATE UNIQUE INDEX courses_import_key ON courses (import_key) WHERE import_key IS NOT NULL;
-- The same course enrolled by hand has no import key; an import finds it by patient address and dates.
CREATE INDEX courses_dates_idx ON courses (started_on, ended_on);
