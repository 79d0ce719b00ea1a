-- Issue #16: the text a reporter wrote under a photo, video or document ("ballot box 2, filmed at
-- 10:41") is part of the evidence: kept with the file and shown to moderators.
ALTER TABLE evidence ADD COLUMN caption TEXT;
