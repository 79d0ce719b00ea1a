-- Issue #23: whether a file's own metadata was read whole (and so whether it may be posted to the
-- moderators' group as received), and whether it holds a device's serial number. Files stored
-- before hold NULL: not known to be clean, so they are posted only as previews or named in a line.
ALTER TABLE evidence ADD COLUMN had_serial INTEGER;
ALTER TABLE evidence ADD COLUMN metadata TEXT CHECK (metadata IN ('read', 'unreadable', 'too_large'));
-- What earlier versions read whole already: a picture they drew a preview of (its EXIF read on
-- the way), a voice message (Telegram's own recording), plain text, and a PDF or Office file
-- whose author was looked for and judged.
UPDATE evidence SET metadata = 'read'
 WHERE stored_path IS NOT NULL AND (preview_path IS NOT NULL OR kind = 'voice' OR mime_type = 'text/plain'
    OR (had_author IS NOT NULL AND mime_type IN (
        'application/pdf',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/vnd.oasis.opendocument.text',
        'application/vnd.oasis.opendocument.spreadsheet')));
