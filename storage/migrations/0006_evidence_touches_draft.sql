-- A file added to a draft is activity on that draft: it moves the draft's idle clock (reminders,
-- expiry) in the same statement that records the file, so the evidence step writes once.
CREATE TRIGGER evidence_touches_draft AFTER INSERT ON evidence WHEN NEW.report_id IS NULL
BEGIN
    UPDATE drafts SET updated_at = NEW.received_at, reminded_at = NULL WHERE person_id = NEW.owner_id;
END;
