-- The name a sender gave a file is never kept: it may be their own ("Ivanova_Olga_IIN_….pdf").
-- Files go by neutral names made from the report's reference and their number in it. Kept only:
-- whether Telegram holds a name for the file (such a file is never re-sent by file_id, which
-- would show the name), and whether the file's own data names an author (never the author).
ALTER TABLE evidence ADD COLUMN sender_named INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evidence ADD COLUMN had_author INTEGER;
UPDATE evidence SET sender_named = 1 WHERE file_name IS NOT NULL;
-- With secure_delete on, the names' old bytes are overwritten in the page, not just unlinked.
UPDATE evidence SET file_name = NULL WHERE file_name IS NOT NULL;
