-- Witnesses of one event (issue #28): reports of the same precinct or place within a few hours,
-- or carrying the same file, form a group anchored at its first report. Kept beside the reports
-- (not in their rows, which the integrity chain tags): a suggestion of the bot until a moderator
-- confirms it; a report split from its group is never grouped again by the bot.
CREATE TABLE witness_groups (
    report_id   INTEGER PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    group_id    INTEGER,                -- the group's first report; NULL once split
    reason      TEXT NOT NULL,          -- precinct, place, evidence, duplicate
    state       TEXT NOT NULL,          -- suggested, confirmed, split
    created_at  TEXT NOT NULL
);
CREATE INDEX witness_groups_group ON witness_groups (group_id) WHERE group_id IS NOT NULL;
-- What grouping a new report looks up, each through an index (< 10 ms with 50,000 reports).
CREATE INDEX reports_precinct_time ON reports (region, precinct, submitted_at);
CREATE INDEX reports_located_time ON reports (submitted_at, latitude, longitude) WHERE latitude IS NOT NULL;
CREATE INDEX evidence_sha256 ON evidence (sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX evidence_unique_id ON evidence (file_unique_id);
CREATE INDEX reports_submitted ON reports (submitted_at);  -- the dashboard's day over time
-- The map's counts by region under a category filter (a group or an exact category, OR-ed):
-- each side read from its own covering index (63 ms to 2.5 ms with 50,000 reports).
CREATE INDEX reports_category_region ON reports (category, region);
CREATE INDEX reports_subcategory_region ON reports (subcategory, region);
