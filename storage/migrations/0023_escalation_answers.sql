-- The chain of filings keeps each body's answer: received (a decision) or refused, with its date
-- (ISO), and optionally the evidence files of the complaint as filed and of the answer (their
-- hashes are in the evidence table). Every step's deadline counts from these, for the life of
-- the report.
ALTER TABLE escalations ADD COLUMN answer_kind TEXT CHECK (answer_kind IN ('received', 'refused'));
ALTER TABLE escalations ADD COLUMN answer_date TEXT;
ALTER TABLE escalations ADD COLUMN complaint_evidence INTEGER REFERENCES evidence (id) ON DELETE SET NULL;
ALTER TABLE escalations ADD COLUMN answer_evidence INTEGER REFERENCES evidence (id) ON DELETE SET NULL;
