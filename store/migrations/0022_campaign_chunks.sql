-- A campaign is queued in chunks, each its own transaction, so that a
-- message to every delegate never holds the writer for long: next_id is the
-- last registration queued so far, finished_at is set after the last
-- chunk. A campaign's messages are composed from it when they are sent, so
-- its outbox rows keep no bodies of their own.
ALTER TABLE campaigns ADD COLUMN next_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN finished_at TEXT;
UPDATE campaigns SET finished_at = created_at;
