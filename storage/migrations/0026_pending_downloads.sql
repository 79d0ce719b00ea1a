-- A file's reference is kept before its download (issue 22): the evidence row is written the moment
-- the message arrives, with what Telegram says of the file (file_id, kind, size, caption, its draft
-- or report), marked pending; the download fills in the hash and the stored copy. A kill or a
-- time-out leaves the row pending, and a job downloads it again (handlers.downloads).
ALTER TABLE evidence ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
-- What a pending download owes: when it is next tried, how often it was, and where to tell its
-- sender if it finally cannot be done (the chat sealed, as an outbox confirmation holds it; the row
-- goes, and the chat with it, once the file is in or the sender told). A file of a draft that
-- Telegram refuses stays here, refused, until the report is sent: then it goes, and its sender is
-- told through the outbox unless the chat was told already.
CREATE TABLE downloads (
    evidence_id  INTEGER PRIMARY KEY REFERENCES evidence (id) ON DELETE CASCADE,
    chat         TEXT    NOT NULL,
    language     TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    due_at       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    refused      INTEGER NOT NULL DEFAULT 0,  -- 1: refused, its sender not told yet; 2: told in the chat
    CHECK (refused IN (0, 1, 2))
);
CREATE INDEX downloads_due ON downloads (due_at);
