-- rebuilds tables
-- Issue #23: people's ids followed first contact, and so the order of reports: with the key, a
-- suspect's row id matched their anonymous report's place in the order (12 of 30 exactly). Every
-- person gets a random id above any a counter gave (2**32 .. 2**53, as storage.people.new_id
-- draws them), and every column that refers to a person follows. Foreign keys are off while the
-- ids move (storage.db runs this as a rebuild) and checked before the commit.
CREATE TEMP TABLE people_ids AS
    SELECT id AS old, 4294967296 + abs(random() % 9007194959773696) AS new FROM people;
UPDATE reports SET reporter_id = (SELECT new FROM people_ids WHERE old = reporter_id) WHERE reporter_id IS NOT NULL;
UPDATE reports SET taken_by = (SELECT new FROM people_ids WHERE old = taken_by) WHERE taken_by IS NOT NULL;
UPDATE evidence SET owner_id = (SELECT new FROM people_ids WHERE old = owner_id) WHERE owner_id IS NOT NULL;
UPDATE drafts SET person_id = (SELECT new FROM people_ids WHERE old = person_id);
UPDATE invites SET redeemed_by = (SELECT new FROM people_ids WHERE old = redeemed_by) WHERE redeemed_by IS NOT NULL;
UPDATE prompts SET moderator_id = (SELECT new FROM people_ids WHERE old = moderator_id);
UPDATE web_logins SET person_id = (SELECT new FROM people_ids WHERE old = person_id);
UPDATE web_sessions SET person_id = (SELECT new FROM people_ids WHERE old = person_id);
UPDATE people SET id = (SELECT new FROM people_ids WHERE old = people.id);
DROP TABLE people_ids;
