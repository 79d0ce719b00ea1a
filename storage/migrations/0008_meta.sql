-- Facts about the database itself: its own random id (also written to DATA_DIR/database-id, so
-- a database that vanished or was swapped is noticed at start) and the fingerprint of the key
-- it was made with (so a wrong SECRET_KEY stops the bot instead of silently losing everyone).
CREATE TABLE meta (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
