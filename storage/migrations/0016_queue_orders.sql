-- Issue #14: the dashboard's queue ordered by priority (accredited observers first, then the
-- earliest incident) or by the incident, latest first, without sorting 50,000 rows each time
-- (bench.dashboard: 90 ms a page before). occurred_at is ISO 8601 in the bot's one time zone,
-- so its text order is its time order.
CREATE INDEX reports_incident ON reports (occurred_at, id);
CREATE INDEX reports_priority ON reports (accredited DESC, occurred_at, id);
