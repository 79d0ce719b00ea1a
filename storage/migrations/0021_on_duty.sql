-- Issue #22: a staff member on duty gets urgent (🆘) alerts in their private chat too, besides the
-- moderators' group. Set with /duty on|off; cleared when they stop being a moderator.
ALTER TABLE people ADD COLUMN on_duty INTEGER NOT NULL DEFAULT 0 CHECK (on_duty IN (0, 1));
