-- A confirmation still waiting for its chat is looked up by the chat's keyed hash at every Send,
-- every /report and /myreports (storage.outbox.pending_confirmation): without this the whole
-- outbox, which keeps every item sent, was read each time.
CREATE INDEX outbox_confirmation_waiting ON outbox (json_extract(body, '$.who'))
    WHERE kind = 'confirmation' AND sent_at IS NULL AND given_up IS NULL;
