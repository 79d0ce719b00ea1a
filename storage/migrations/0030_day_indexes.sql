-- The day over time (/day, /stats' picture) from indexes alone (issue #28: /day took 383 ms over
-- 50,000 reports, most of it reading whole rows, descriptions and all, one page at a time):
-- a day's reports by the moment received, with every column it counts (a count's kind too:
-- observers' counts are not the day's violations) ...
DROP INDEX IF EXISTS reports_submitted;
CREATE INDEX reports_received ON reports (submitted_at, id, kind, category, region, status, priority);
-- ... and the open reports' running deadlines, with what they are reckoned from
-- (storage.models.DeadlineFacts).
CREATE INDEX reports_deadline_facts ON reports (status, kind, id, reference, category, subcategory, occurred_at,
    escalated_to, external_ref, external_date, escalated_at, status_changed_at, submitted_at);
