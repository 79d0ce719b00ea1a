-- rebuilds tables
-- Languages and roles are validated by the code (domain.rules) at the storage boundary, so the
-- people table no longer carries CHECKs that a new language or role would need a rebuild for.
-- The conversations table was never written since the wizard's state moved into its draft.
CREATE TABLE people_new (
    id          INTEGER PRIMARY KEY,
    pseudonym   TEXT    NOT NULL UNIQUE,
    chat_ref    BLOB,
    language    TEXT    NOT NULL DEFAULT 'ru',
    role        TEXT    NOT NULL DEFAULT 'reporter',
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    staff_name  TEXT
);
INSERT INTO people_new (id, pseudonym, chat_ref, language, role, created_at, updated_at, staff_name)
    SELECT id, pseudonym, chat_ref, language, role, created_at, updated_at, staff_name FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;

DROP TABLE conversations;
