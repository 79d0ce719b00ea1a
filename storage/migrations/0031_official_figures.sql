-- The official figures an administrator loads from the commission's CSV file (services.official),
-- the figures moderators confirmed by a copy's photo, and the protocol-discrepancy reports the
-- tally filed, so that a reload files none again unless the figures changed.

-- The precincts of the last official file (coverage counts against them), and its figures.
CREATE TABLE official_precincts (
    region      TEXT    NOT NULL,
    precinct    TEXT    NOT NULL,
    line_no     INTEGER NOT NULL,  -- the file's line, for whoever checks it against the file
    PRIMARY KEY (region, precinct)
) WITHOUT ROWID;

-- Official turnout at one of the hours (domain.counts.TURNOUT_HOURS).
CREATE TABLE official_turnout (
    region      TEXT    NOT NULL,
    precinct    TEXT    NOT NULL,
    hour        TEXT    NOT NULL CHECK (hour IN ('10', '12', '14', '16', '18', '20', 'close')),
    voters      INTEGER NOT NULL CHECK (voters >= 0),
    PRIMARY KEY (region, precinct, hour)
) WITHOUT ROWID;

-- Official results, line by line (domain.counts.PROTOCOL_LINES or 'candidate:<position>').
CREATE TABLE official_results (
    region      TEXT    NOT NULL,
    precinct    TEXT    NOT NULL,
    line        TEXT    NOT NULL,
    value       INTEGER NOT NULL CHECK (value >= 0),
    PRIMARY KEY (region, precinct, line)
) WITHOUT ROWID;

-- A figure of a precinct's merged record a moderator confirmed by the photo of one copy
-- (report_id): it is the precinct's figure for that line, whatever the other copies say.
CREATE TABLE confirmed_figures (
    region        TEXT    NOT NULL,
    precinct      TEXT    NOT NULL,
    line          TEXT    NOT NULL,
    value         INTEGER NOT NULL CHECK (value >= 0),
    report_id     INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    confirmed_by  TEXT    NOT NULL,  -- as the audit log names them ("moderator 3FA2")
    confirmed_at  TEXT    NOT NULL,
    PRIMARY KEY (region, precinct, line)
) WITHOUT ROWID;

-- The protocol-discrepancy report filed for a precinct, and a digest of the figures it was filed
-- for: the same figures again file nothing; changed figures file a new one.
CREATE TABLE discrepancy_reports (
    region      TEXT    NOT NULL,
    precinct    TEXT    NOT NULL,
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    figures     TEXT    NOT NULL,
    filed_at    TEXT    NOT NULL,
    PRIMARY KEY (region, precinct)
) WITHOUT ROWID;
