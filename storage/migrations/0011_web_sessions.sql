-- The dashboard's sign-in: one-time links made by /dashboard (only a keyed hash of the token is
-- kept, so a reader of the database cannot sign in with it), and the sessions they open.
CREATE TABLE web_logins (
    token_hash  TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    used_at     TEXT
);

CREATE TABLE web_sessions (
    id_hash     TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    csrf        TEXT    NOT NULL,            -- sent back with every form that changes anything
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX web_sessions_person ON web_sessions (person_id);
