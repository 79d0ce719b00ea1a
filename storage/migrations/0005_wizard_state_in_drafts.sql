-- The report wizard's state is now read from its draft (the draft's step), so the copies kept
-- in conversations are stale from here on: drop them.
DELETE FROM conversations WHERE name = 'report';
