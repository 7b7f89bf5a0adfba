-- What the admin pages of the web face keep between requests. Several web nodes run behind a load balancer, so
-- nothing of this lives in a node's memory.

-- A form once submitted: its key is a hidden field of the form, claimed here before the change is made, so the
-- same form posted twice (a double click, a reload that re-posts, two nodes answering one impatient admin) changes
-- the clinic's data once; the second post is told so.
CREATE TABLE form_submissions (
    key           uuid PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    form          text NOT NULL,
    submitted_at  timestamptz NOT NULL,
    outcome       text
);

-- A clinic's CSV export uploaded on the Enrol page: kept between its row report (checked, nothing stored) and the
-- admin's choice to store all rows or only the valid ones, which another web node may serve. Progress and the
-- report are written here as the import runs, so a page that refreshes shows them from any node.
CREATE TABLE course_import_uploads (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    file_name     text NOT NULL,
    content       bytea NOT NULL,
    sha256        bytea NOT NULL,
    settings      jsonb NOT NULL,
    status        text NOT NULL CHECK (status IN ('checking', 'checked', 'storing', 'stored', 'failed')),
    progress      text,
    report        jsonb,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
