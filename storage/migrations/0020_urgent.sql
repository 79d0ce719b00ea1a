-- The urgent path ("It is happening now / I am in danger"): a report's priority, and an index of
-- the urgent reports alone (a handful among tens of thousands), by status, so that every queue
-- order (storage.moderation.find) puts the open ones first by reading only them.
ALTER TABLE reports ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'urgent'));
CREATE INDEX reports_urgent_open ON reports (priority, status, id) WHERE priority = 'urgent';
