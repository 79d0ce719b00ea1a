-- Observers' counts (domain.counts): a turnout count and a copy of a precinct's results protocol
-- are reports of their own kind, so that they share drafts, evidence, hashing and receipts;
-- their figures are kept here. A violation is kind 'violation', as every report before this.
ALTER TABLE reports ADD COLUMN kind TEXT NOT NULL DEFAULT 'violation'
    CHECK (kind IN ('violation', 'turnout', 'results'));
CREATE INDEX reports_kind_precinct ON reports (kind, region, precinct);

-- The election's candidates in the protocol's order, as an administrator set them.
CREATE TABLE candidates (
    position    INTEGER PRIMARY KEY CHECK (position >= 1),
    name        TEXT    NOT NULL,
    set_at      TEXT    NOT NULL
);

-- One observer's turnout figure at one of the official hours.
CREATE TABLE turnout_counts (
    report_id   INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    hour        TEXT    NOT NULL CHECK (hour IN ('10', '12', '14', '16', '18', '20', 'close')),
    source      TEXT    NOT NULL CHECK (source IN ('counted', 'announced')),
    voters      INTEGER NOT NULL CHECK (voters >= 0)
);

-- One observer's copy of a precinct's protocol of the results: what they got of it, and the
-- protocol's rules its figures broke when it was sent (domain.counts.CHECKS codes, a JSON list).
CREATE TABLE protocol_copies (
    report_id   INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    copy        TEXT    NOT NULL CHECK (copy IN ('sealed', 'unsealed', 'refused')),
    mismatches  TEXT    NOT NULL DEFAULT '[]'
);

-- The copy's figures, line by line (domain.counts.PROTOCOL_LINES or 'candidate:<position>').
CREATE TABLE protocol_figures (
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    line        TEXT    NOT NULL,
    value       INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (report_id, line)
) WITHOUT ROWID;
