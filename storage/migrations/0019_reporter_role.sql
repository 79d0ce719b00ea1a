-- Issue #16: the role a person reports in is remembered for their next report, so it is not asked
-- every time. Only a role other than voter is kept (a new report starts as a voter's): a voter's
-- row says nothing of their having reported.
ALTER TABLE people ADD COLUMN reporter_role TEXT CHECK (reporter_role IN ('observer', 'other'));
