-- The urgent path ("It is happening now / I am in danger"): a report's priority, and the open
-- urgent reports found without a scan, so that every queue order (storage.moderation) puts them
-- first at the cost of reading a handful of rows. The statuses are domain.rules.OPEN, written out
-- because SQLite uses a partial index only for a query that names the same constants.
ALTER TABLE reports ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'urgent'));
CREATE INDEX reports_urgent_open ON reports (id)
    WHERE priority = 'urgent' AND status IN ('new', 'in_review', 'verified', 'escalated');
