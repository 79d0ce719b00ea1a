-- Moderation: who handles a report, where it went, and what the reporter was told.
ALTER TABLE people ADD COLUMN staff_name TEXT;  -- moderators' own display name; never a reporter's

ALTER TABLE reports ADD COLUMN precinct_kind TEXT;      -- number, none (not at a station), unknown
ALTER TABLE reports ADD COLUMN taken_by INTEGER REFERENCES people (id) ON DELETE SET NULL;
ALTER TABLE reports ADD COLUMN status_note TEXT;         -- rejection reason or outcome
ALTER TABLE reports ADD COLUMN duplicate_of TEXT;        -- reference of the original report
ALTER TABLE reports ADD COLUMN escalated_to TEXT;        -- commission, prosecutor, court, police, media, legal
ALTER TABLE reports ADD COLUMN external_ref TEXT;        -- the outside body's reference number
ALTER TABLE reports ADD COLUMN external_date TEXT;       -- the date of that filing (ISO)
ALTER TABLE reports ADD COLUMN escalated_at TEXT;
ALTER TABLE reports ADD COLUMN status_changed_at TEXT;
ALTER TABLE reports ADD COLUMN moderator_message_id INTEGER;  -- the summary in the moderators' chat
ALTER TABLE reports ADD COLUMN alerted_at TEXT;          -- stale-report alert sent
ALTER TABLE reports ADD COLUMN deadline_reminded TEXT;   -- which deadline reminders went out (JSON list)
CREATE INDEX reports_region ON reports (region, precinct);
CREATE INDEX reports_category ON reports (category, subcategory);

-- Public replies from moderators to a reporter, shown in My reports.
CREATE TABLE replies (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX replies_report ON replies (report_id);

-- Invite codes for accredited observers, stored as keyed hashes: the code itself is a secret.
CREATE TABLE invites (
    code_hash    TEXT PRIMARY KEY,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    redeemed_at  TEXT,
    redeemed_by  INTEGER REFERENCES people (id) ON DELETE SET NULL
);
