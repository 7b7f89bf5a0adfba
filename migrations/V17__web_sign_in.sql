-- Who may sign in to the web face, their sign-in links, and the web nodes' shared Data Protection keys.

-- A person who may sign in. A therapist sees only the courses of their own therapists row; a lead sees every course
-- of the clinic; an admin, the clinic's configuration too. Disabled users keep their row (the audit trail names them).
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL,
    name          text,
    role          text NOT NULL CHECK (role IN ('therapist', 'lead', 'admin')),
    therapist_id  bigint REFERENCES therapists (id),
    created_at    timestamptz NOT NULL,
    disabled_at   timestamptz,
    CHECK (role <> 'therapist' OR therapist_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- An emailed sign-in link: only SHA-256 hashes are stored (of the link's secret and of the nonce cookie of the browser
-- that asked for it), so a copy of this table signs nobody in. Single use (used_at), short-lived (expires_at).
CREATE TABLE sign_in_links (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    token_hash    bytea NOT NULL UNIQUE,
    browser_hash  bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE INDEX sign_in_links_user_idx ON sign_in_links (user_id, created_at);

-- ASP.NET Core Data Protection's key ring (XML elements), shared by every web node: a cookie issued by one node is
-- read by the others, and survives a restart.
CREATE TABLE data_protection_keys (
    name        text PRIMARY KEY,
    xml         text NOT NULL,
    created_at  timestamptz NOT NULL
);
