-- People are known only by a keyed pseudonym (HMAC of the Telegram user id) and an
-- encrypted chat reference: no Telegram id, username or name is ever stored in clear.
CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    pseudonym   TEXT    NOT NULL UNIQUE,
    chat_ref    BLOB,
    language    TEXT    NOT NULL DEFAULT 'ru' CHECK (language IN ('kk', 'ru', 'en')),
    role        TEXT    NOT NULL DEFAULT 'reporter'
                CHECK (role IN ('reporter', 'observer', 'moderator', 'admin')),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE reports (
    id                INTEGER PRIMARY KEY,
    reference         TEXT    NOT NULL UNIQUE,
    -- SET NULL so that /deletemydata cuts the link while the report itself stays.
    reporter_id       INTEGER REFERENCES people (id) ON DELETE SET NULL,
    reporter_role     TEXT    NOT NULL CHECK (reporter_role IN ('voter', 'observer', 'other')),
    accredited        INTEGER NOT NULL DEFAULT 0,
    category          TEXT    NOT NULL,
    subcategory       TEXT,
    region            TEXT    NOT NULL,
    precinct          TEXT,
    place             TEXT,
    latitude          REAL,
    longitude         REAL,
    occurred_at       TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    contact_allowed   INTEGER NOT NULL DEFAULT 0,
    status            TEXT    NOT NULL DEFAULT 'new',
    submitted_at      TEXT    NOT NULL,
    -- One key per draft: a second tap on Send finds the report the first one made.
    submission_key    TEXT    NOT NULL UNIQUE
);
CREATE INDEX reports_status ON reports (status, submitted_at);
CREATE INDEX reports_reporter ON reports (reporter_id);

-- Evidence is recorded at receipt, while the report is still a draft (owner_id set,
-- report_id NULL); sending the report moves it under the report in the same transaction.
CREATE TABLE evidence (
    id               INTEGER PRIMARY KEY,
    report_id        INTEGER REFERENCES reports (id) ON DELETE CASCADE,
    owner_id         INTEGER REFERENCES people (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL,
    file_id          TEXT    NOT NULL,
    file_unique_id   TEXT    NOT NULL,
    mime_type        TEXT,
    file_name        TEXT,
    size             INTEGER,
    sha256           TEXT,
    received_at      TEXT    NOT NULL,
    stored_path      TEXT,
    too_big          INTEGER NOT NULL DEFAULT 0,
    media_group_id   TEXT,
    captured_at      TEXT,
    camera_model     TEXT,
    had_gps          INTEGER,
    thumbnail_path   TEXT,
    CHECK (report_id IS NOT NULL OR owner_id IS NOT NULL)
);
CREATE INDEX evidence_report ON evidence (report_id);
CREATE INDEX evidence_owner ON evidence (owner_id) WHERE report_id IS NULL;

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER REFERENCES reports (id),
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    from_status  TEXT,
    to_status    TEXT,
    note         TEXT,
    created_at   TEXT    NOT NULL
);
CREATE INDEX audit_report ON audit_log (report_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
