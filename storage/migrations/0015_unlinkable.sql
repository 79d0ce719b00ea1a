-- Issue #15: an anonymous report is linked to nobody, not even with the server's key.

-- Reports sent without consent to contact lose the link to their author: from now on nothing
-- reachable from them leads to a person. Their evidence too.
UPDATE reports SET reporter_id = NULL WHERE contact_allowed = 0;
UPDATE evidence SET owner_id = NULL WHERE report_id IS NOT NULL;

-- Messages for those reporters still waiting can no longer reach them: given up.
UPDATE outbox SET given_up = 'anonymous: linked to nobody'
    WHERE kind IN ('confirmation', 'status', 'reply') AND sent_at IS NULL AND given_up IS NULL
      AND report_id IN (SELECT id FROM reports WHERE reporter_id IS NULL);
-- A confirmation carries the reporter's chat and receipt only until it is delivered.
UPDATE outbox SET body = '{}' WHERE kind = 'confirmation';

-- The receipt: a hash of the code only the reporter's receipt holds (a capability, not a person).
ALTER TABLE reports ADD COLUMN receipt_hash TEXT;
CREATE UNIQUE INDEX reports_receipt ON reports (receipt_hash) WHERE receipt_hash IS NOT NULL;
-- The reason or outcome as the reporter may read it (NULL: none, or marked internal). Earlier
-- notes stay unseen: whether they were internal is known only from the history's text.
ALTER TABLE reports ADD COLUMN public_note TEXT;

-- A draft keeps its own sealed chat (its reminder, its wizard state after a restart) and it
-- goes with the draft.
ALTER TABLE drafts ADD COLUMN chat_ref BLOB;
UPDATE drafts SET chat_ref = (SELECT chat_ref FROM people WHERE people.id = drafts.person_id);

-- A chat stays sealed only for staff and for reporters with a report they allowed contact on.
UPDATE people SET chat_ref = NULL
    WHERE role NOT IN ('moderator', 'admin')
      AND NOT EXISTS (SELECT 1 FROM reports WHERE reports.reporter_id = people.id);

-- Staff codes are random (given at the next /mods, /addmod or contact), apart from anything a
-- card shows; the code older history rows carry is kept for their names only.
ALTER TABLE people ADD COLUMN staff_code TEXT;
ALTER TABLE people ADD COLUMN legacy_code TEXT;
UPDATE people SET legacy_code = upper(substr(pseudonym, 1, 4)) WHERE role IN ('moderator', 'admin')
    OR staff_name IS NOT NULL;

-- People's timestamps to the day: a row changed at the second a report came in ties the two.
UPDATE people SET created_at = substr(created_at, 1, 10), updated_at = substr(updated_at, 1, 10);

-- Reporters now linked to nothing (no report they allowed contact on, no draft, never staff)
-- are forgotten: their pseudonym of the earlier kind is cheap to test, and it would tell that
-- they used the bot. They lose their language choice, found again at their next message.
DELETE FROM people
    WHERE role = 'reporter' AND chat_ref IS NULL AND staff_name IS NULL
      AND NOT EXISTS (SELECT 1 FROM drafts WHERE drafts.person_id = people.id)
      AND NOT EXISTS (SELECT 1 FROM reports WHERE reports.reporter_id = people.id OR reports.taken_by = people.id);
