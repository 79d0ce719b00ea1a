-- What must reach people, recorded in the same transaction as the change it tells of, and sent
-- (and retried) from here: the reporter's confirmation, status changes and moderators' replies,
-- the card in the moderators' chat and the evidence under it.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,               -- confirmation, status, reply, card, evidence
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    body        TEXT    NOT NULL DEFAULT '{}',  -- what the message needs besides the report (JSON)
    created_at  TEXT    NOT NULL,
    due_at      TEXT    NOT NULL,               -- the next attempt; pushed ahead while one runs
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     TEXT,
    given_up    TEXT                            -- why it cannot be delivered (the bot was blocked)
);
CREATE INDEX outbox_due ON outbox (due_at) WHERE sent_at IS NULL AND given_up IS NULL;
CREATE INDEX outbox_report ON outbox (report_id, kind);
