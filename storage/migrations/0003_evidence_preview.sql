-- A clean preview (re-encoded, no metadata) that moderators see in Telegram.
ALTER TABLE evidence ADD COLUMN preview_path TEXT;
