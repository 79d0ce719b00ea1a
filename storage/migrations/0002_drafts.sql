-- Conversation states of the persistent ConversationHandlers. The key (chat id, user id)
-- is stored sealed with the application key; key_hash is its keyed hash for look-ups.
CREATE TABLE conversations (
    name        TEXT NOT NULL,
    key_hash    TEXT NOT NULL,
    key_sealed  BLOB NOT NULL,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (name, key_hash)
);

-- A report being written: its fields as JSON, written through at every step.
CREATE TABLE drafts (
    person_id    INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    data         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    reminded_at  TEXT
);
CREATE INDEX drafts_updated ON drafts (updated_at);
