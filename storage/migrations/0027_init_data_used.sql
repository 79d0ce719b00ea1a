-- A Telegram Mini App's initData signs in once: a keyed hash of each one used is kept until it
-- would have expired anyway (a day after Telegram signed it), so a copy of it opens nothing.
CREATE TABLE web_init_data_used (
    data_hash   TEXT PRIMARY KEY,
    expires_at  TEXT NOT NULL
);
CREATE INDEX web_init_data_used_expiry ON web_init_data_used (expires_at);
