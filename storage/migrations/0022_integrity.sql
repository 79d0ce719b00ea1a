-- Tamper-evident records (storage/integrity.py): a keyed tag on each report and on each file of
-- a report, and on each audit entry a tag that covers the entry before it (a chain) and the
-- report's state after the change it records. Rows of an older database are tagged once at the
-- next start ("sealed", on the record). Only the tags may be written into an audit entry later
-- (by that sealing and by bot.rekey): every other column stays append-only.
ALTER TABLE reports ADD COLUMN tag TEXT;
ALTER TABLE evidence ADD COLUMN tag TEXT;
ALTER TABLE audit_log ADD COLUMN state TEXT;
ALTER TABLE audit_log ADD COLUMN tag TEXT;
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update
BEFORE UPDATE OF id, report_id, actor, action, from_status, to_status, note, created_at ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
