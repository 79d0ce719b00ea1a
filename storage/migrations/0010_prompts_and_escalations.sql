-- A question the bot asked a moderator (the reason for Reject, the original of a Duplicate, the
-- outside number of an Escalate): stored once the question is in the chat, so that only a reply
-- to that very message, from the moderator who pressed, within its time, is taken as the answer,
-- and so that a restart in between does not forget it.
CREATE TABLE prompts (
    id            INTEGER PRIMARY KEY,
    chat_id       INTEGER NOT NULL,
    message_id    INTEGER NOT NULL,
    moderator_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    action        TEXT    NOT NULL,              -- reject, duplicate, resolve, escalate:<target>, correct:<target>
    report_id     INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    internal      INTEGER NOT NULL DEFAULT 0,    -- the answer is for moderators only, not the reporter
    asked_status  TEXT    NOT NULL,              -- the report's status when asked: an answer after it moved is refused
    asked_step    INTEGER,                       -- and its latest escalation step (for escalate and correct)
    created_at    TEXT    NOT NULL,
    UNIQUE (chat_id, message_id)
);

-- Each body a report was taken to, in order (a commission, then the prosecutor, then a court),
-- with the outside number and filing date; the report's own columns hold the latest step.
CREATE TABLE escalations (
    id             INTEGER PRIMARY KEY,
    report_id      INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    target         TEXT    NOT NULL,
    external_ref   TEXT,
    external_date  TEXT,                         -- ISO date the complaint was filed there
    created_at     TEXT    NOT NULL,
    actor          TEXT    NOT NULL
);
CREATE INDEX escalations_report ON escalations (report_id, id);

-- Outside dates were kept as typed (24.11.2026); now as ISO dates, so that deadlines count from them.
-- Only a date that exists becomes one (SQLite moves 2026-02-31 to 2026-03-03: not itself).
UPDATE reports
SET external_date = substr(external_date, 7, 4) || '-' || substr(external_date, 4, 2) || '-' || substr(external_date, 1, 2)
WHERE external_date GLOB '[0-3][0-9].[01][0-9].[12][0-9][0-9][0-9]'
  AND date(substr(external_date, 7, 4) || '-' || substr(external_date, 4, 2) || '-' || substr(external_date, 1, 2),
           '+0 days') IS substr(external_date, 7, 4) || '-' || substr(external_date, 4, 2) || '-' || substr(external_date, 1, 2);
-- A date in another form is not lost: it joins the outside number, for a moderator to correct.
UPDATE reports SET external_ref = trim(coalesce(external_ref, '') || ' ' || external_date), external_date = NULL
WHERE external_date IS NOT NULL AND (external_date NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'
                                     OR date(external_date, '+0 days') IS NOT external_date);

-- Escalations made before this table existed, so that every escalated report has its steps.
INSERT INTO escalations (report_id, target, external_ref, external_date, created_at, actor)
SELECT id, escalated_to, external_ref, external_date, COALESCE(escalated_at, status_changed_at, submitted_at), 'before steps were kept'
FROM reports WHERE escalated_to IS NOT NULL;
